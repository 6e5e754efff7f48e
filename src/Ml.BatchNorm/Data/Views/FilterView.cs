namespace Ml.BatchNorm.Data;

/// <summary>The rows of a view whose value in one column satisfies a predicate, in their original order.</summary>
internal sealed class FilterView<T> : IDataView
{
    private readonly IDataView _input;
    private readonly DataViewSchema.Column _column;
    private readonly Func<T, bool> _keep;

    public FilterView(IDataView input, DataViewSchema.Column column, Func<T, bool> keep)
    {
        _input = input;
        _column = column;
        _keep = keep;
    }

    public DataViewSchema Schema => _input.Schema;

    // Which rows pass is only known by reading them, so neither the count nor random access survive a filter.
    public bool CanShuffle => false;

    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        var input = _input.GetRowCursor(columnsNeeded.Append(_column));
        return new Cursor(this, active, input);
    }

    private sealed class Cursor : RowCursorBase
    {
        private readonly FilterView<T> _view;
        private readonly DataViewRowCursor _input;
        private readonly ValueGetter<T> _value;

        public Cursor(FilterView<T> view, bool[] active, DataViewRowCursor input)
            : base(view.Schema, active)
        {
            _view = view;
            _input = input;
            _value = input.GetGetter<T>(view._column);
        }

        protected override bool MoveNextCore()
        {
            while (_input.MoveNext())
            {
                T value = default!;
                _value(ref value);
                if (_view._keep(value))
                {
                    return true;
                }
            }

            return false;
        }

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex) => _input.GetGetter<TValue>(_input.Schema[columnIndex]);

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
