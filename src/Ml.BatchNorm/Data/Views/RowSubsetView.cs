namespace Ml.BatchNorm.Data;

/// <summary>
/// Some rows of a view, in their original order, chosen by index (a train/test split or a cross-validation fold).
/// Only the indices are held (4 bytes a row). A random-access input is read at those indices, and the subset can be
/// shuffled in turn; a streaming input is read in order, skipping the other rows.
/// </summary>
internal sealed class RowSubsetView : IRandomAccessDataView
{
    private readonly IDataView _input;
    private readonly int[] _rows;

    /// <param name="input">The view to take rows from.</param>
    /// <param name="rows">Ascending row indices of <paramref name="input"/>.</param>
    public RowSubsetView(IDataView input, int[] rows)
    {
        _input = input;
        _rows = rows;
    }

    public DataViewSchema Schema => _input.Schema;

    public bool CanShuffle => _input.CanShuffle && _input is IRandomAccessDataView;

    public long? GetRowCount() => _rows.Length;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) =>
        CanShuffle
            ? ((IRandomAccessDataView)_input).GetRowCursor(columnsNeeded, _rows)
            : new SkippingCursor(Schema, RowCursorBase.ActiveColumns(Schema, columnsNeeded), _input.GetRowCursor(columnsNeeded), _rows);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows)
    {
        var input = DataViewOperations.RandomAccess(_input, nameof(GetRowCursor));
        return input.GetRowCursor(columnsNeeded, rows is null ? _rows : rows.Select(r => _rows[r]).ToArray());
    }

    private sealed class SkippingCursor(DataViewSchema schema, bool[] active, DataViewRowCursor input, int[] rows) : RowCursorBase(schema, active)
    {
        private int _next;

        protected override bool MoveNextCore()
        {
            if (_next >= rows.Length)
            {
                return false;
            }

            long target = rows[_next++];
            while (input.Position < target)
            {
                if (!input.MoveNext())
                {
                    return false;
                }
            }

            return true;
        }

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex) => input.GetGetter<TValue>(input.Schema[columnIndex]);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
