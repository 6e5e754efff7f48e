using Ml.BatchNorm.Data;
using Ml.BatchNorm.Evaluation;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Multiclass trainers and evaluation: <c>ctx.MulticlassClassification</c>.</summary>
public sealed class MulticlassClassificationCatalog
{
    private readonly ulong? _seed;

    internal MulticlassClassificationCatalog(ulong? seed)
    {
        _seed = seed;
        Trainers = new MulticlassClassificationTrainers(seed);
    }

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

    /// <summary>
    /// Cross-validates <paramref name="estimator"/>: splits the rows into <paramref name="numberOfFolds"/> folds, and for
    /// each fold fits on the others and evaluates on it. Folds are stratified by <paramref name="labelColumnName"/> of
    /// the input (any single-value column, e.g. the raw UInt32 label): each label's rows are shuffled with the seed
    /// (default: the context's seed, else 1) and dealt round-robin to the folds, continuing across labels, so every
    /// class is spread over the folds within one row and fold sizes differ by at most one. With
    /// <paramref name="samplingKeyColumnName"/>, rows sharing a key value stay in one fold and folds are not stratified.
    /// The estimator must produce "Score" and "PredictedLabel" and leave <paramref name="labelColumnName"/> a key (as
    /// MapValueToKey("Label") + BatchNormCnn do). Dispose the results to release their models.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="numberOfFolds"/> is less than 2.</exception>
    /// <exception cref="ArgumentException">A named column is missing or unusable, or there are fewer rows than folds; the message names it.</exception>
    public IReadOnlyList<CrossValidationResult<MulticlassClassificationMetrics>> CrossValidate(IDataView data, IEstimator<ITransformer> estimator, int numberOfFolds = 5, string labelColumnName = "Label", string? samplingKeyColumnName = null, ulong? seed = null)
    {
        const string Stage = "CrossValidate";
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(estimator);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        if (numberOfFolds < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(numberOfFolds), numberOfFolds, $"{Stage}: numberOfFolds must be at least 2; got {numberOfFolds}.");
        }

        // Type-check the whole pipeline before reading any row.
        estimator.GetOutputSchema(data.Schema);
        SchemaChecks.Require(data.Schema, labelColumnName, Stage, "the label column to stratify by", _ => true);
        int[] fold = DataSplitting.AssignFolds(data, numberOfFolds, labelColumnName, samplingKeyColumnName, seed ?? _seed ?? 1, Stage);
        var results = new List<CrossValidationResult<MulticlassClassificationMetrics>>();
        try
        {
            for (int f = 0; f < numberOfFolds; f++)
            {
                var train = new RowSubsetView(data, Enumerable.Range(0, fold.Length).Where(i => fold[i] != f).ToArray());
                var test = new RowSubsetView(data, DataSplitting.RowsWhere(fold, f));
                var model = estimator.Fit(train);
                try
                {
                    var scored = model.Transform(test);
                    var metrics = MulticlassEvaluation.Evaluate(scored, labelColumnName, BatchNormCnnEstimator.ScoreColumnName, BatchNormCnnEstimator.PredictedLabelColumnName, 0);
                    results.Add(new CrossValidationResult<MulticlassClassificationMetrics>(metrics, model, scored, f));
                }
                catch
                {
                    (model as IDisposable)?.Dispose();
                    throw;
                }
            }
        }
        catch
        {
            results.ForEach(r => r.Dispose());
            throw;
        }

        return results;
    }
}
