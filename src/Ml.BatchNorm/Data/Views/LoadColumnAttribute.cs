namespace Ml.BatchNorm.Data;

/// <summary>
/// Says which fields of a text line a member is read from, for typed text loading: one field, or a range of
/// fields for a vector. No loader in this version reads it yet (<see cref="DataViewLoaders.LoadFromTextFile"/>
/// has a fixed MNIST layout); it is accepted on classes given to <see cref="DataViewLoaders.LoadFromEnumerable{T}"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
public sealed class LoadColumnAttribute : Attribute
{
    /// <summary>The member is field <paramref name="fieldIndex"/> (from 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fieldIndex"/> is negative.</exception>
    public LoadColumnAttribute(int fieldIndex)
        : this(fieldIndex, fieldIndex)
    {
    }

    /// <summary>The member is fields <paramref name="start"/> to <paramref name="end"/>, both included (from 0).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="start"/> is negative or <paramref name="end"/> is below it.</exception>
    public LoadColumnAttribute(int start, int end)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfLessThan(end, start);
        Start = start;
        End = end;
    }

    /// <summary>The first field, from 0.</summary>
    public int Start { get; }

    /// <summary>The last field, included.</summary>
    public int End { get; }
}
