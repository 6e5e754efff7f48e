namespace Ml.BatchNorm.Data;

/// <summary>
/// Lazy row and column operations on data views, named as in ML.NET. Each returns a new view over its input;
/// nothing is read until a cursor moves.
/// </summary>
public static class DataViewOperations
{
    /// <summary>A view of only the named columns, in the given order.</summary>
    /// <exception cref="ArgumentException">No column is named, or a name is repeated.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A name is not a column of <paramref name="input"/>; the message lists its columns.</exception>
    public static IDataView SelectColumns(this IDataView input, params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(columnNames);
        if (columnNames.Length == 0)
        {
            throw new ArgumentException($"SelectColumns needs at least one column name; the view has {input.Schema}.", nameof(columnNames));
        }

        return new ColumnSubsetView(input, columnNames.Select(name => input.Schema[name].Index).ToArray());
    }

    /// <summary>A view without the named columns; the others keep their order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">A name is not a column of <paramref name="input"/>; the message lists its columns.</exception>
    public static IDataView DropColumns(this IDataView input, params string[] columnNames)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(columnNames);
        var dropped = columnNames.Select(name => input.Schema[name].Index).ToHashSet();
        return new ColumnSubsetView(input, Enumerable.Range(0, input.Schema.Count).Where(i => !dropped.Contains(i)).ToArray());
    }

    /// <summary>A view of the first <paramref name="count"/> rows (all of them when there are fewer).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static IDataView Take(this IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RowRangeView(input, 0, count);
    }

    /// <summary>A view without the first <paramref name="count"/> rows (empty when there are fewer).</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is negative.</exception>
    public static IDataView Skip(this IDataView input, long count)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return new RowRangeView(input, count, long.MaxValue);
    }

    /// <summary>
    /// A view of the rows whose value in <paramref name="columnName"/> satisfies <paramref name="keep"/>, in order.
    /// ML.NET filters only by numeric range (FilterRowsByColumn); this takes any predicate over the column's raw
    /// type, e.g. <c>Func&lt;uint, bool&gt;</c> for a UInt32 label or <c>Func&lt;VBuffer&lt;float&gt;, bool&gt;</c> for an image
    /// (a vector passed to the predicate is valid only during the call). The result has no known row count and
    /// cannot be shuffled; shuffle before filtering.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such column.</exception>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is not the column's raw type.</exception>
    public static IDataView FilterByCustomPredicate<T>(this IDataView input, string columnName, Func<T, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(keep);
        var column = input.Schema[columnName];
        if (column.Type.RawType != typeof(T))
        {
            throw new ArgumentException(
                $"Column '{columnName}' is {column.Type}, read as {RowCursorBase.TypeName(column.Type.RawType)}, but the predicate takes {RowCursorBase.TypeName(typeof(T))}.",
                nameof(keep));
        }

        return new FilterView<T>(input, column, keep);
    }

    /// <summary>
    /// A view of the same rows in a random order fixed by <paramref name="seed"/>: the same seed gives the same
    /// order. Unlike ML.NET's pool-based shuffle this is a true permutation, which needs a view with a row count
    /// and random access (the loaders' views except the text file, and Take, Skip, SelectColumns, DropColumns or
    /// ShuffleRows of those); only the row indices are materialized, 4 bytes a row.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="input"/> cannot be shuffled (<see cref="IDataView.CanShuffle"/> is false).</exception>
    public static IDataView ShuffleRows(this IDataView input, ulong seed)
    {
        ArgumentNullException.ThrowIfNull(input);
        var randomAccess = RandomAccess(input, nameof(input));
        long count = input.GetRowCount() ?? throw new ArgumentException("ShuffleRows needs a view whose row count is known.", nameof(input));
        if (count > Array.MaxLength)
        {
            throw new ArgumentException($"ShuffleRows can reorder at most {Array.MaxLength} rows; the view has {count}.", nameof(input));
        }

        return new ShuffledView(randomAccess, (int)count, seed);
    }

    /// <summary>Reads up to <paramref name="maxRows"/> rows into memory to look at, e.g. in a debugger.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="maxRows"/> is negative.</exception>
    public static DataDebuggerPreview Preview(this IDataView input, int maxRows = DataDebuggerPreview.DefaultMaxRows)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentOutOfRangeException.ThrowIfNegative(maxRows);
        return new DataDebuggerPreview(input, maxRows);
    }

    /// <summary>The view as random-access, or an exception saying why it cannot be shuffled.</summary>
    internal static IRandomAccessDataView RandomAccess(IDataView input, string parameterName) =>
        input.CanShuffle && input is IRandomAccessDataView randomAccess
            ? randomAccess
            : throw new ArgumentException(
                "ShuffleRows needs a view with a row count and random access (LoadFromIdx, FromImageDataset, LoadFromEnumerable over a list, " +
                $"or Take/Skip/SelectColumns/DropColumns/ShuffleRows of those); this view ({input.Schema}) streams its rows, " +
                "e.g. a text file or a filter. Shuffle before filtering.",
                parameterName);
}
