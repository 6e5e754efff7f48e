using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// The getters of a stage's added columns over one cursor of its input, plus whatever they hold (a read-ahead cursor,
/// buffers). <see cref="Getters"/>[k] is the getter of added column k, or null when that column is not active.
/// </summary>
internal sealed record BoundColumns(Delegate?[] Getters, IDisposable? Resources = null);

/// <summary>
/// A lazy view of its input plus columns computed from each row: what every transformer of this layer returns.
/// Nothing is computed until a cursor moves, and only the columns a cursor asks for (and the input columns they
/// depend on) are read.
/// </summary>
internal sealed class MappedView : IDataView
{
    private readonly IDataView _input;
    private readonly int[] _sources;
    private readonly IReadOnlyList<DataViewSchema.Column> _dependencies;
    private readonly Func<DataViewRowCursor, bool[], BoundColumns> _bind;
    private readonly int _addedCount;

    /// <param name="input">The view to extend.</param>
    /// <param name="outputs">The added columns.</param>
    /// <param name="dependencies">The input columns the added columns read.</param>
    /// <param name="bind">Makes the getters of the active added columns over an input cursor.</param>
    public MappedView(IDataView input, IReadOnlyList<(string Name, DataViewType Type)> outputs, IReadOnlyList<DataViewSchema.Column> dependencies, Func<DataViewRowCursor, bool[], BoundColumns> bind)
    {
        _input = input;
        (Schema, _sources) = SchemaChecks.WithColumns(input.Schema, outputs);
        _dependencies = dependencies;
        _bind = bind;
        _addedCount = outputs.Count;
    }

    public DataViewSchema Schema { get; }

    // Shuffling needs random access to the rows; a mapped view streams, so shuffle before transforming.
    public bool CanShuffle => false;

    public long? GetRowCount() => _input.GetRowCount();

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        bool[] active = RowCursorBase.ActiveColumns(Schema, columnsNeeded);
        var addedActive = new bool[_addedCount];
        var inputColumns = new List<DataViewSchema.Column>();
        for (int i = 0; i < active.Length; i++)
        {
            if (!active[i])
            {
                continue;
            }

            if (_sources[i] >= 0)
            {
                inputColumns.Add(_input.Schema[_sources[i]]);
            }
            else
            {
                addedActive[-1 - _sources[i]] = true;
            }
        }

        if (addedActive.Contains(true))
        {
            inputColumns.AddRange(_dependencies);
        }

        var cursor = _input.GetRowCursor(inputColumns.Distinct());
        try
        {
            var bound = addedActive.Contains(true) ? _bind(cursor, addedActive) : new BoundColumns(new Delegate?[_addedCount]);
            return new Cursor(this, active, cursor, bound);
        }
        catch
        {
            cursor.Dispose();
            throw;
        }
    }

    private sealed class Cursor(MappedView view, bool[] active, DataViewRowCursor input, BoundColumns bound)
        : RowCursorBase(view.Schema, active)
    {
        protected override bool MoveNextCore() => input.MoveNext();

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex)
        {
            int source = view._sources[columnIndex];
            if (source >= 0)
            {
                return input.GetGetter<TValue>(input.Schema[source]);
            }

            var getter = (ValueGetter<TValue>)bound.Getters[-1 - source]!;
            return (ref TValue value) =>
            {
                CheckOnRow();
                getter(ref value);
            };
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                bound.Resources?.Dispose();
                input.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
