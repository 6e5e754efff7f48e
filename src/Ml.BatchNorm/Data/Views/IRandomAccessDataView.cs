namespace Ml.BatchNorm.Data;

/// <summary>
/// A view whose rows can be visited in any order by index, which is what lets
/// <see cref="DataViewOperations.ShuffleRows"/> reorder it without reading it.
/// Only meaningful when <see cref="IDataView.CanShuffle"/> is true.
/// </summary>
internal interface IRandomAccessDataView : IDataView
{
    /// <summary>
    /// A cursor over the rows at <paramref name="rows"/> (indices into this view, in that order), or over every
    /// row in order when null.
    /// </summary>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows);
}
