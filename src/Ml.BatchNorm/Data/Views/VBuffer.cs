using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Data;

/// <summary>
/// A dense vector value of a vector column. It wraps an array without copying it.
/// </summary>
/// <remarks>
/// Getters reuse one array per cursor and column rather than allocating per row, so a vector read from a cursor
/// is valid only until that cursor's next <see cref="DataViewRowCursor.MoveNext"/>: copy it
/// (<see cref="ToArray"/>) to keep it longer.
/// </remarks>
/// <typeparam name="T">The element type.</typeparam>
public readonly struct VBuffer<T>
{
    private const int ShownValues = 5;

    private readonly T[]? _values;

    /// <summary>Wraps all of <paramref name="values"/> (not a copy).</summary>
    public VBuffer(T[] values)
        : this(values, (values ?? throw new ArgumentNullException(nameof(values))).Length)
    {
    }

    /// <summary>Wraps the first <paramref name="length"/> elements of <paramref name="values"/> (not a copy).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="length"/> is negative or beyond the array.</exception>
    public VBuffer(T[] values, int length)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, values.Length);
        _values = values;
        Length = length;
    }

    /// <summary>The number of elements.</summary>
    public int Length { get; }

    /// <summary>The elements; valid until the cursor that produced them moves.</summary>
    public ReadOnlySpan<T> GetValues() => _values is null ? ReadOnlySpan<T>.Empty : _values.AsSpan(0, Length);

    /// <summary>A copy of the elements that stays valid.</summary>
    public T[] ToArray() => GetValues().ToArray();

    /// <summary>The first few elements and the length, e.g. "[0, 0.5, 1, 0, 0, … (784 values)]".</summary>
    public override string ToString()
    {
        var text = new StringBuilder("[");
        var values = GetValues();
        for (int i = 0; i < Math.Min(values.Length, ShownValues); i++)
        {
            text.Append(i == 0 ? "" : ", ").Append(string.Format(CultureInfo.InvariantCulture, "{0}", values[i]));
        }

        if (values.Length > ShownValues)
        {
            text.Append(CultureInfo.InvariantCulture, $", … ({values.Length} values)");
        }

        return text.Append(']').ToString();
    }
}
