using System.Reflection;

namespace Ml.BatchNorm.Data;

/// <summary>
/// The first rows of a view copied into memory, by row and by column, for looking at data in a debugger or a test.
/// Vector values are copied into <see cref="VBuffer{T}"/> values of their own, so they stay valid.
/// </summary>
public sealed class DataDebuggerPreview
{
    /// <summary>How many rows <see cref="DataViewOperations.Preview"/> reads unless told otherwise.</summary>
    public const int DefaultMaxRows = 100;

    internal DataDebuggerPreview(IDataView input, int maxRows)
    {
        Schema = input.Schema;
        var rows = new List<object[]>();
        using (var cursor = input.GetRowCursor(Schema))
        {
            var readers = Schema.Select(column => Reader(cursor, column)).ToArray();
            while (rows.Count < maxRows && cursor.MoveNext())
            {
                rows.Add(readers.Select(read => read()).ToArray());
            }
        }

        RowView = rows.Select(values => new RowInfo(Schema.Select((c, i) => new KeyValuePair<string, object>(c.Name, values[i])).ToArray())).ToArray();
        ColumnView = Schema.Select(c => new ColumnInfo(c, rows.Select(values => values[c.Index]).ToArray())).ToArray();
    }

    /// <summary>The columns previewed: all of the view's.</summary>
    public DataViewSchema Schema { get; }

    /// <summary>The rows read, each as column name → value.</summary>
    public IReadOnlyList<RowInfo> RowView { get; }

    /// <summary>The same values by column.</summary>
    public IReadOnlyList<ColumnInfo> ColumnView { get; }

    /// <summary>"5 rows of Label: UInt32, Image: Vector&lt;Single, 784&gt;".</summary>
    public override string ToString() => $"{RowView.Count} rows of {Schema}";

    private static Func<object> Reader(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var (method, typeArgument) = column.Type is VectorDataViewType vector
            ? (nameof(VectorReader), vector.ItemType.RawType)
            : (nameof(ValueReader), column.Type.RawType);
        return (Func<object>)typeof(DataDebuggerPreview)
            .GetMethod(method, BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(typeArgument)
            .Invoke(null, [cursor, column])!;
    }

    private static Func<object> ValueReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return value!;
        };
    }

    // The cursor reuses its vector buffers, so each previewed vector gets a copy.
    private static Func<object> VectorReader<T>(DataViewRowCursor cursor, DataViewSchema.Column column)
    {
        var getter = cursor.GetGetter<VBuffer<T>>(column);
        return () =>
        {
            VBuffer<T> value = default;
            getter(ref value);
            return new VBuffer<T>(value.ToArray());
        };
    }

    /// <summary>One previewed row.</summary>
    public sealed class RowInfo
    {
        internal RowInfo(KeyValuePair<string, object>[] values) => Values = values;

        /// <summary>Each column's name and value, in schema order.</summary>
        public IReadOnlyList<KeyValuePair<string, object>> Values { get; }

        /// <summary>The value of column <paramref name="columnName"/>.</summary>
        /// <exception cref="KeyNotFoundException">There is no such column.</exception>
        public object this[string columnName] =>
            Values.FirstOrDefault(v => v.Key == columnName) is { Key: not null } found
                ? found.Value
                : throw new KeyNotFoundException($"The preview has no column '{columnName}'; it has {string.Join(", ", Values.Select(v => v.Key))}.");

        /// <summary>"Label: 9, Image: [0, 0, 0, 0, 0, … (784 values)]".</summary>
        public override string ToString() => string.Join(", ", Values.Select(v => $"{v.Key}: {v.Value}"));
    }

    /// <summary>One previewed column.</summary>
    public sealed class ColumnInfo
    {
        internal ColumnInfo(DataViewSchema.Column column, object[] values)
        {
            Column = column;
            Values = values;
        }

        /// <summary>The column.</summary>
        public DataViewSchema.Column Column { get; }

        /// <summary>The column's value in each previewed row.</summary>
        public IReadOnlyList<object> Values { get; }

        /// <summary>"Label: UInt32 (5 values)".</summary>
        public override string ToString() => $"{Column} ({Values.Count} values)";
    }
}
