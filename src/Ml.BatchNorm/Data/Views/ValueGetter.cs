namespace Ml.BatchNorm.Data;

/// <summary>Reads one column of a cursor's current row into <paramref name="value"/>.</summary>
/// <typeparam name="TValue">The column type's <see cref="DataViewType.RawType"/>.</typeparam>
public delegate void ValueGetter<TValue>(ref TValue value);
