namespace Ml.BatchNorm.Data;

/// <summary>
/// Declares the size of an array member's vector column. Without it (or with size 0) the column is a
/// variable-size vector; with it, every row's array must hold exactly that many values.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
public sealed class VectorTypeAttribute : Attribute
{
    /// <summary>Declares a variable-size vector.</summary>
    public VectorTypeAttribute()
    {
    }

    /// <summary>Declares a vector of <paramref name="size"/> values (0: variable size).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public VectorTypeAttribute(int size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        Size = size;
    }

    /// <summary>The number of values in every row, or 0 for a variable size.</summary>
    public int Size { get; }
}
