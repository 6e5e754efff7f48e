namespace Ml.BatchNorm.Data;

/// <summary>A numeric column type; one singleton per supported .NET number type.</summary>
public sealed class NumberDataViewType : PrimitiveDataViewType
{
    private readonly string _name;

    private NumberDataViewType(Type rawType, string name)
        : base(rawType) => _name = name;

    /// <summary>32-bit floating point, held as <see cref="float"/>.</summary>
    public static NumberDataViewType Single { get; } = new(typeof(float), nameof(Single));

    /// <summary>64-bit floating point, held as <see cref="double"/>.</summary>
    public static NumberDataViewType Double { get; } = new(typeof(double), nameof(Double));

    /// <summary>32-bit signed integer, held as <see cref="int"/>.</summary>
    public static NumberDataViewType Int32 { get; } = new(typeof(int), nameof(Int32));

    /// <summary>64-bit signed integer, held as <see cref="long"/>.</summary>
    public static NumberDataViewType Int64 { get; } = new(typeof(long), nameof(Int64));

    /// <summary>32-bit unsigned integer, held as <see cref="uint"/>.</summary>
    public static NumberDataViewType UInt32 { get; } = new(typeof(uint), nameof(UInt32));

    /// <summary>8-bit unsigned integer, held as <see cref="byte"/>.</summary>
    public static NumberDataViewType Byte { get; } = new(typeof(byte), nameof(Byte));

    /// <summary>The singleton held as <paramref name="rawType"/>, or null when that type is not a supported number.</summary>
    internal static NumberDataViewType? FromRawType(Type rawType) =>
        rawType == typeof(float) ? Single
        : rawType == typeof(double) ? Double
        : rawType == typeof(int) ? Int32
        : rawType == typeof(long) ? Int64
        : rawType == typeof(uint) ? UInt32
        : rawType == typeof(byte) ? Byte
        : null;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <summary>The type's name: Single, Double, Int32, Int64, UInt32 or Byte.</summary>
    public override string ToString() => _name;
}
