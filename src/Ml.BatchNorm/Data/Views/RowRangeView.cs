namespace Ml.BatchNorm.Data;

/// <summary>
/// The rows of a view after skipping <c>skip</c> and up to <c>take</c> of them (Take, Skip). It reads no further
/// than the last row it yields, so a problem later in a streamed file is never reached.
/// </summary>
internal sealed class RowRangeView : IRandomAccessDataView
{
    private readonly IDataView _input;
    private readonly long _skip;
    private readonly long _take;

    public RowRangeView(IDataView input, long skip, long take)
    {
        _input = input;
        _skip = skip;
        _take = take;
    }

    public DataViewSchema Schema => _input.Schema;

    public bool CanShuffle => _input.CanShuffle && _input is IRandomAccessDataView;

    public long? GetRowCount() =>
        _input.GetRowCount() is long count ? Math.Min(_take, Math.Max(0, count - _skip)) : null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        return new Cursor(this, active, _input.GetRowCursor(columnsNeeded), _skip);
    }

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows)
    {
        // Only reached when CanShuffle, so the input's row count is known and fits an index.
        var input = DataViewOperations.RandomAccess(_input, nameof(GetRowCursor));
        int count = checked((int)GetRowCount()!.Value);
        int skip = (int)Math.Min(_skip, int.MaxValue);
        IReadOnlyList<int> mapped = rows is null
            ? Enumerable.Range(skip, count).ToArray()
            : rows.Select(r => (uint)r < (uint)count ? r + skip : throw new ArgumentOutOfRangeException(nameof(rows), r, $"Row {r} is outside a view of {count} rows.")).ToArray();
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        return new Cursor(this, active, input.GetRowCursor(columnsNeeded, mapped), 0);
    }

    private sealed class Cursor(RowRangeView view, bool[] active, DataViewRowCursor input, long skip) : RowCursorBase(view.Schema, active)
    {
        private long _skipLeft = skip;
        private long _taken;

        protected override bool MoveNextCore()
        {
            for (; _skipLeft > 0; _skipLeft--)
            {
                if (!input.MoveNext())
                {
                    return false;
                }
            }

            if (_taken >= view._take || !input.MoveNext())
            {
                return false;
            }

            _taken++;
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
