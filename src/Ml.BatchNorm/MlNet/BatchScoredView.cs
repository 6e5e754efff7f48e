using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm;

/// <summary>
/// What the fitted transformer's <c>Transform</c> returns: the scoring chain's output schema (the input's columns,
/// "Score" and "PredictedLabel", annotations included), with Score and PredictedLabel computed by running the
/// chain's ONNX graph on many rows per ONNX Runtime call instead of one (<see cref="OnnxBatchScorer"/>). The
/// chain itself stays what is saved and what a prediction engine runs.
/// </summary>
/// <remarks>
/// A cursor reads the features through a second cursor over the input that runs up to
/// <see cref="BatchRows"/> rows ahead: IDataView's contract (immutable data, repeatable cursoring in one
/// order) makes both see the same rows. The view never shuffles, so the two orders cannot part.
/// </remarks>
internal sealed class BatchScoredView : IDataView
{
    /// <summary>Rows per ONNX Runtime call: enough that the per-call cost vanishes, few enough that a batch's activations stay tens of megabytes.</summary>
    internal const int BatchRows = 512;

    private readonly IDataView _input;
    private readonly OnnxBatchScorer _scorer;
    private readonly DataViewSchema.Column _features;
    private readonly DataViewSchema.Column?[] _sources;

    private BatchScoredView(IDataView input, DataViewSchema schema, OnnxBatchScorer scorer, DataViewSchema.Column features, DataViewSchema.Column?[] sources)
    {
        _input = input;
        Schema = schema;
        _scorer = scorer;
        _features = features;
        _sources = sources;
    }

    /// <inheritdoc/>
    public DataViewSchema Schema { get; }

    /// <summary>Never: the look-ahead cursor must see the rows in the order the row cursor does.</summary>
    public bool CanShuffle => false;

    internal DataViewSchema.Column Score => Schema[ScoringChain.ScoreColumnName];

    internal DataViewSchema.Column PredictedLabel => Schema[ScoringChain.PredictedLabelColumnName];

    /// <summary>
    /// The batched view over <paramref name="input"/>, whose columns the chain's output <paramref name="schema"/>
    /// lists, or null when an output column other than the two computed ones is not an input column of the same
    /// name and type (the caller then runs the chain itself).
    /// </summary>
    public static BatchScoredView? TryCreate(IDataView input, DataViewSchema schema, OnnxBatchScorer scorer, string featureColumnName)
    {
        var features = input.Schema[featureColumnName];
        var sources = new DataViewSchema.Column?[schema.Count];
        foreach (var column in schema)
        {
            if (!column.IsHidden && column.Name is ScoringChain.ScoreColumnName or ScoringChain.PredictedLabelColumnName)
            {
                continue;
            }

            // A visible column is the input's visible one of that name; a hidden one keeps its index, as ML.NET's row mappers keep them.
            DataViewSchema.Column? source = column.IsHidden
                ? (column.Index < input.Schema.Count && input.Schema[column.Index].Name == column.Name ? input.Schema[column.Index] : null)
                : input.Schema.GetColumnOrNull(column.Name);
            if (source is not { } s || !s.Type.Equals(column.Type))
            {
                return null;
            }

            sources[column.Index] = s;
        }

        var view = new BatchScoredView(input, schema, scorer, features, sources);
        return view.Score.Type is VectorDataViewType { Size: var k } && k == scorer.Classes && view.PredictedLabel.Type is KeyDataViewType ? view : null;
    }

    /// <inheritdoc/>
    public long? GetRowCount() => _input.GetRowCount();

    /// <inheritdoc/>
    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            active[column.Index] = true;
        }

        bool scores = active[Score.Index] || active[PredictedLabel.Index];
        var passed = _sources.Where((s, i) => active[i] && s is not null).Select(s => s!.Value).ToList();
        var rows = _input.GetRowCursor(passed);
        var ahead = scores ? _input.GetRowCursor([_features]) : null;
        return new BatchScoredCursor(this, rows, ahead, _features, _sources, active, _scorer);
    }

    /// <inheritdoc/>
    public DataViewRowCursor[] GetRowCursorSet(IEnumerable<DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
