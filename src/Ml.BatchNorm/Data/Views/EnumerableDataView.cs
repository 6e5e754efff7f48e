using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// Objects of a class as a data view, one column per public field or property (see <see cref="PocoColumn"/>).
/// The sequence is enumerated afresh by every cursor, lazily. When it is a list, the view has a row count and
/// random access, so it can be shuffled. Vector members are passed on without copying.
/// </summary>
internal sealed class EnumerableDataView<T> : IRandomAccessDataView
    where T : class
{
    private readonly IEnumerable<T> _rows;
    private readonly PocoColumn[] _columns;

    public EnumerableDataView(IEnumerable<T> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        _rows = rows;
        _columns = PocoColumn.Of(typeof(T));
        var builder = new DataViewSchema.Builder();
        foreach (var column in _columns)
        {
            builder.AddColumn(column.Name, column.Type);
        }

        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _rows is IReadOnlyList<T>;

    public long? GetRowCount() => _rows is IReadOnlyCollection<T> collection ? collection.Count : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) => GetRowCursor(columnsNeeded, null);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows)
    {
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        IEnumerable<(T?, int)> source = rows is null
            ? _rows.Select((row, index) => ((T?)row, index))
            : rows.Select(index => ((T?)((IReadOnlyList<T>)_rows)[index], index));
        return new Cursor(this, active, source.GetEnumerator());
    }

    private sealed class Cursor(EnumerableDataView<T> view, bool[] active, IEnumerator<(T? Row, int Index)> rows)
        : RowCursorBase(view.Schema, active)
    {
        private T? _current;
        private int _index;

        protected override bool MoveNextCore()
        {
            if (!rows.MoveNext())
            {
                return false;
            }

            (_current, _index) = rows.Current;
            if (_current is null)
            {
                throw new InvalidOperationException(
                    string.Create(CultureInfo.InvariantCulture, $"Row {_index} (from 0) of the {typeof(T).Name} sequence is null; every row needs an object."));
            }

            return true;
        }

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex)
        {
            var column = view._columns[columnIndex];
            if (column.Type is VectorDataViewType vector)
            {
                ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
                {
                    CheckOnRow();
                    var values = (float[]?)column.Read(_current!);
                    if (vector.IsKnownSize && values?.Length != vector.Size)
                    {
                        string found = values is null ? "is null" : string.Create(CultureInfo.InvariantCulture, $"holds {values.Length} values");
                        throw new InvalidOperationException(string.Create(
                            CultureInfo.InvariantCulture,
                            $"{typeof(T).Name}.{column.Member.Name} (column '{column.Name}') of row {_index} (from 0) {found} but [VectorType({vector.Size})] declares {vector.Size}."));
                    }

                    value = new VBuffer<float>(values ?? []);
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            if (column.Type is TextDataViewType)
            {
                // A null string reads as empty: text columns have no null (see TextDataViewType).
                ValueGetter<string> text = (ref string value) =>
                {
                    CheckOnRow();
                    value = (string?)column.Read(_current!) ?? string.Empty;
                };
                return (ValueGetter<TValue>)(Delegate)text;
            }

            return (ref TValue value) =>
            {
                CheckOnRow();
                value = (TValue)column.Read(_current!)!;
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                rows.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
