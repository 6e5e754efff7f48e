using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>A column of vectors of a primitive item type, held as <see cref="VBuffer{T}"/> of the item's raw type.</summary>
public sealed class VectorDataViewType : DataViewType
{
    /// <summary>Creates a vector type.</summary>
    /// <param name="itemType">The type of every element.</param>
    /// <param name="size">The number of elements in every row, or 0 when rows may differ in length.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public VectorDataViewType(PrimitiveDataViewType itemType, int size = 0)
        : base(typeof(VBuffer<>).MakeGenericType((itemType ?? throw new ArgumentNullException(nameof(itemType))).RawType))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ItemType = itemType;
        Size = size;
    }

    /// <summary>The type of every element.</summary>
    public PrimitiveDataViewType ItemType { get; }

    /// <summary>The number of elements in every row, or 0 when the size varies.</summary>
    public int Size { get; }

    /// <summary>Whether every row has <see cref="Size"/> elements.</summary>
    public bool IsKnownSize => Size > 0;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is VectorDataViewType vector && vector.Size == Size && vector.ItemType.Equals(ItemType);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(ItemType, Size);

    /// <summary>"Vector&lt;Single, 784&gt;", or "Vector&lt;Single&gt;" when the size varies.</summary>
    public override string ToString() =>
        IsKnownSize ? string.Create(CultureInfo.InvariantCulture, $"Vector<{ItemType}, {Size}>") : $"Vector<{ItemType}>";
}
