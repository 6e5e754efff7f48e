using Ml.BatchNorm.Data;
using Ml.BatchNorm.Evaluation;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Multiclass metrics of a scored view: a key label column and a Single score vector (one score per class).</summary>
internal static class MulticlassEvaluation
{
    private const string StageName = "Evaluate";

    /// <summary>
    /// Streams the view once. Key k is class k - 1; rows whose label is missing (key 0) are skipped, as ML.NET skips
    /// rows without a label. The predicted-label column must exist but is not read (it may already be mapped back to values, as in
    /// the usual pipeline ending in MapKeyToValue): the metrics derive the prediction from the scores, lowest index on
    /// ties, which is how the trainer's PredictedLabel is made too.
    /// </summary>
    public static MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName, string scoreColumnName, string predictedLabelColumnName, int topKPredictionCount)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegative(topKPredictionCount);
        var schema = data.Schema;
        var label = SchemaChecks.Require(schema, labelColumnName, StageName, "a key label column (Key<UInt32, n>)", t => t is KeyDataViewType);
        var score = SchemaChecks.Require(schema, scoreColumnName, StageName, "a known-size Single score vector", t => t is VectorDataViewType { IsKnownSize: true } v && v.ItemType == NumberDataViewType.Single);
        SchemaChecks.Require(schema, predictedLabelColumnName, StageName, "the predicted-label column of a scored view", _ => true);
        int classes = ((VectorDataViewType)score.Type).Size;
        var labelKey = (KeyDataViewType)label.Type;
        if (labelKey.Count > classes)
        {
            throw new ArgumentException($"{StageName}: label column '{label.Name}' has {labelKey.Count} classes but score column '{score.Name}' has {classes}.", nameof(data));
        }

        var names = labelKey.KeyNames is { } keyNames && keyNames.Count == classes ? keyNames : null;
        var accumulator = new MulticlassMetricsAccumulator(classes, names, topKPredictionCount);
        using var cursor = data.GetRowCursor([label, score]);
        var readLabel = cursor.GetGetter<uint>(label);
        var readScore = cursor.GetGetter<VBuffer<float>>(score);
        uint key = 0;
        var scores = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            readLabel(ref key);
            if (key == 0)
            {
                continue;
            }

            readScore(ref scores);
            accumulator.Add((int)key - 1, scores.GetValues());
        }

        return accumulator.Compute();
    }
}
