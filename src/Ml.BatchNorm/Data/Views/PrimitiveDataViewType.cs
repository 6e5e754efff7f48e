namespace Ml.BatchNorm.Data;

/// <summary>A type whose values are single items (numbers, booleans, text, keys), as opposed to vectors.</summary>
public abstract class PrimitiveDataViewType : DataViewType
{
    /// <summary>Creates a primitive type held as <paramref name="rawType"/>.</summary>
    private protected PrimitiveDataViewType(Type rawType)
        : base(rawType)
    {
    }
}
