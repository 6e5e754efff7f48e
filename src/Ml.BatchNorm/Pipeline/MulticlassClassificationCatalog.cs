using Ml.BatchNorm.Data;
using Ml.BatchNorm.Evaluation;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Multiclass trainers and evaluation: <c>ctx.MulticlassClassification</c>.</summary>
public sealed class MulticlassClassificationCatalog
{
    internal MulticlassClassificationCatalog(ulong? seed) => Trainers = new MulticlassClassificationTrainers(seed);

    /// <summary>The trainers.</summary>
    public MulticlassClassificationTrainers Trainers { get; }

    /// <summary>
    /// Metrics of a scored view (the output of a fitted pipeline): the label must be a key column (key k is class
    /// k - 1; rows with key 0, a missing label, are skipped) and the score a Single vector with one value per class.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type; the message names it.</exception>
    /// <exception cref="InvalidOperationException">No row has a label.</exception>
    public MulticlassClassificationMetrics Evaluate(IDataView data, string labelColumnName = "Label", string scoreColumnName = "Score", string predictedLabelColumnName = "PredictedLabel", int topKPredictionCount = 0) =>
        MulticlassEvaluation.Evaluate(data, labelColumnName, scoreColumnName, predictedLabelColumnName, topKPredictionCount);
}
