namespace Ml.BatchNorm.Data;

/// <summary>Some of a view's columns, in a chosen order (SelectColumns, DropColumns); rows pass through untouched.</summary>
internal sealed class ColumnSubsetView : IRandomAccessDataView
{
    private readonly IDataView _input;
    private readonly int[] _sourceIndex;

    /// <param name="input">The view to take columns from.</param>
    /// <param name="sourceIndex">For each output column, the index of the input column it shows.</param>
    public ColumnSubsetView(IDataView input, int[] sourceIndex)
    {
        _input = input;
        _sourceIndex = sourceIndex;
        var builder = new DataViewSchema.Builder();
        foreach (int index in sourceIndex)
        {
            builder.AddColumn(input.Schema[index].Name, input.Schema[index].Type);
        }

        Schema = builder.ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => _input.CanShuffle && _input is IRandomAccessDataView;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) =>
        Wrap(columnsNeeded, needed => _input.GetRowCursor(needed));

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows) =>
        Wrap(columnsNeeded, needed => DataViewOperations.RandomAccess(_input, nameof(GetRowCursor)).GetRowCursor(needed, rows));

    private Cursor Wrap(IEnumerable<DataViewSchema.Column> columnsNeeded, Func<IEnumerable<DataViewSchema.Column>, DataViewRowCursor> open)
    {
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        var needed = Enumerable.Range(0, active.Length).Where(i => active[i]).Select(i => _input.Schema[_sourceIndex[i]]).ToArray();
        return new Cursor(this, active, open(needed));
    }

    private sealed class Cursor(ColumnSubsetView view, bool[] active, DataViewRowCursor input) : RowCursorBase(view.Schema, active)
    {
        protected override bool MoveNextCore() => input.MoveNext();

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex) =>
            input.GetGetter<TValue>(input.Schema[view._sourceIndex[columnIndex]]);

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
