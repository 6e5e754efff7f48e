namespace Ml.BatchNorm.Data;

/// <summary>The type of a data-view column: what its values mean and which .NET type holds them.</summary>
public abstract class DataViewType : IEquatable<DataViewType>
{
    /// <summary>Creates a type whose values are held as <paramref name="rawType"/>.</summary>
    private protected DataViewType(Type rawType) => RawType = rawType;

    /// <summary>The .NET type a getter for this column yields, e.g. <see cref="float"/> or <see cref="VBuffer{T}"/> of float.</summary>
    public Type RawType { get; }

    /// <summary>Whether <paramref name="other"/> describes the same values.</summary>
    public abstract bool Equals(DataViewType? other);

    /// <inheritdoc/>
    public sealed override bool Equals(object? obj) => obj is DataViewType other && Equals(other);

    /// <inheritdoc/>
    public abstract override int GetHashCode();
}
