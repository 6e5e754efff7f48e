namespace Ml.BatchNorm.Data;

/// <summary>
/// A lazily evaluated table: a schema and a way to stream its rows through cursors. Views are immutable and
/// may be read by several cursors, one after another or at once; nothing is computed until a cursor moves.
/// </summary>
public interface IDataView
{
    /// <summary>The columns of every row.</summary>
    DataViewSchema Schema { get; }

    /// <summary>Whether <see cref="DataViewOperations.ShuffleRows"/> can reorder this view without reading it all.</summary>
    bool CanShuffle { get; }

    /// <summary>The number of rows when known without reading them, otherwise null.</summary>
    long? GetRowCount();

    /// <summary>Starts a cursor before the first row; only the columns in <paramref name="columnsNeeded"/> can be read.</summary>
    /// <exception cref="ArgumentException">A column is not in <see cref="Schema"/>.</exception>
    DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded);
}
