namespace Ml.BatchNorm.Data;

/// <summary>A cursor over a random-access source, visiting row indices in order or in a given order.</summary>
internal abstract class IndexedRowCursor : RowCursorBase
{
    private readonly IReadOnlyList<int>? _rows;
    private readonly int _count;
    private int _next;

    protected IndexedRowCursor(DataViewSchema schema, bool[] active, int rowCount, IReadOnlyList<int>? rows)
        : base(schema, active)
    {
        _rows = rows;
        _count = rows?.Count ?? rowCount;
    }

    /// <summary>The source index of the current row.</summary>
    protected int Row { get; private set; } = -1;

    protected sealed override bool MoveNextCore()
    {
        if (_next >= _count)
        {
            return false;
        }

        Row = _rows is null ? _next : _rows[_next];
        _next++;
        return true;
    }
}
