namespace Ml.BatchNorm.Evaluation;

/// <summary>
/// Evaluation results for a multiclass classifier, with the metric definitions of ML.NET's
/// <c>MulticlassClassificationMetrics</c>. Produced by <see cref="MulticlassMetricsAccumulator.Compute"/>.
/// </summary>
/// <remarks>
/// The collection-valued members are read-only snapshots; record equality compares them by reference,
/// so two separately computed results are equal only if they share those instances.
/// </remarks>
public sealed record MulticlassClassificationMetrics
{
    internal MulticlassClassificationMetrics(
        double microAccuracy,
        double macroAccuracy,
        double logLoss,
        double logLossReduction,
        int topKPredictionCount,
        IReadOnlyList<double> topKAccuracyForAllK,
        IReadOnlyList<double> perClassLogLoss,
        ConfusionMatrix confusionMatrix,
        long rowCount)
    {
        MicroAccuracy = microAccuracy;
        MacroAccuracy = macroAccuracy;
        LogLoss = logLoss;
        LogLossReduction = logLossReduction;
        TopKPredictionCount = topKPredictionCount;
        TopKAccuracyForAllK = topKAccuracyForAllK;
        PerClassLogLoss = perClassLogLoss;
        ConfusionMatrix = confusionMatrix;
        RowCount = rowCount;
    }

    /// <summary>
    /// Fraction of rows whose predicted class equals the label. The predicted class is the arg-max of the
    /// scores; on a tie the lowest class index wins.
    /// </summary>
    public double MicroAccuracy { get; }

    /// <summary>
    /// Mean, over the classes that occur at least once among the labels, of the per-class accuracy
    /// (the recall of that class). Classes absent from the labels are left out rather than counted as 0.
    /// </summary>
    public double MacroAccuracy { get; }

    /// <summary>
    /// Mean over rows of <c>-ln(p)</c>, where <c>p</c> is the row's score for its true class clamped to
    /// <c>[1e-15, 1]</c>. The scores are taken to be probabilities (for example a softmax output).
    /// </summary>
    public double LogLoss { get; }

    /// <summary>
    /// Relative log-loss improvement over a model that always predicts the label prior:
    /// <c>(prior - LogLoss) / prior</c>, where <c>prior = -Σ p_c ln p_c</c> is the entropy of the label
    /// frequencies. 1 is perfect, 0 is no better than the prior, negative is worse.
    /// </summary>
    /// <remarks>
    /// When every row has the same label the prior log loss is 0 and the ratio is undefined; the value is then
    /// <see cref="double.NaN"/> (ML.NET would divide by zero and yield NaN or negative infinity).
    /// </remarks>
    public double LogLossReduction { get; }

    /// <summary>
    /// Top-K accuracy for K = <see cref="TopKPredictionCount"/>, i.e. <c>TopKAccuracyForAllK[K - 1]</c>;
    /// 0 when <see cref="TopKPredictionCount"/> is 0 (as in ML.NET, where it is not requested).
    /// </summary>
    public double TopKAccuracy => TopKPredictionCount > 0 ? TopKAccuracyForAllK[TopKPredictionCount - 1] : 0.0;

    /// <summary>The K used by <see cref="TopKAccuracy"/>; 0 when no top-K accuracy was requested.</summary>
    public int TopKPredictionCount { get; }

    /// <summary>
    /// Top-K accuracy for every K from 1 to the number of classes: entry <c>K - 1</c> is the fraction of rows whose
    /// true class ranks among the K highest scores. A score equal to the true class's score ranks ahead of it only
    /// if its class index is lower (ML.NET's rule), so entry 0 equals <see cref="MicroAccuracy"/> and the last
    /// entry is 1.
    /// </summary>
    /// <remarks>
    /// ML.NET truncates this list at <see cref="TopKPredictionCount"/>; here it always covers every K, since the
    /// whole list costs nothing extra to compute.
    /// </remarks>
    public IReadOnlyList<double> TopKAccuracyForAllK { get; }

    /// <summary>
    /// <see cref="LogLoss"/> restricted to the rows of each true class, indexed by class.
    /// A class with no rows gets 0, as in ML.NET.
    /// </summary>
    public IReadOnlyList<double> PerClassLogLoss { get; }

    /// <summary>Counts of true class versus predicted class, with per-class precision and recall.</summary>
    public ConfusionMatrix ConfusionMatrix { get; }

    /// <summary>Number of rows the metrics were computed from.</summary>
    public long RowCount { get; }
}
