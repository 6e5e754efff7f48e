using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// The seed's experiment: trains <see cref="SeedNetworks.Model1"/> (batch norm) and
/// <see cref="SeedNetworks.Model2"/> (no batch norm) with the same options, hence the same seed and
/// the same mini-batch order, and records learning curves every few steps.
/// </summary>
/// <remarks>
/// "train" points are inference-mode accuracy and loss on the step's own training batch, as the
/// seed recorded them (cheap, but noisy for small batches); "test" points are inference-mode
/// accuracy and loss on the first test rows. Both come from the trainer's periodic evaluation.
/// </remarks>
public static class BatchNormComparison
{
    /// <summary>The name of the batch-normalized network in the results.</summary>
    public const string Model1 = "model1";

    /// <summary>The name of the network without batch norm in the results.</summary>
    public const string Model2 = "model2";

    /// <summary>The split name of training-batch points.</summary>
    public const string TrainSplit = "train";

    /// <summary>The split name of test points.</summary>
    public const string TestSplit = "test";

    /// <summary>
    /// Trains both networks with <paramref name="options"/> (its evaluation settings replaced by
    /// <paramref name="every"/> and <paramref name="testRows"/>; no checkpoints) and returns their curves.
    /// <paramref name="onProgress"/> hears every step of both runs with the model's name.
    /// </summary>
    public static BatchNormComparisonResult Run(
        ImageDataset train,
        ImageDataset test,
        TrainingOptions options,
        int every = 100,
        int testRows = 1000,
        BatchNormOptions? batchNorm = null,
        Action<string, TrainingProgress>? onProgress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testRows);
        // Diagnostics off: both runs do the same work between steps, and no copies are built.
        options = options with { EvaluateEvery = every, EvaluationRows = testRows, CheckpointPath = null, Diagnostics = false };
        var points = new List<LearningCurvePoint>();
        var summaries = new Dictionary<string, TrainingSummary>(StringComparer.Ordinal);
        var models = new (string Name, NetworkSpec Spec)[]
        {
            (Model1, SeedNetworks.Model1(batchNorm, train.ClassCount, height: train.Height, width: train.Width)),
            (Model2, SeedNetworks.Model2(train.ClassCount, height: train.Height, width: train.Width)),
        };
        foreach (var (name, spec) in models)
        {
            var progress = new Listener(p =>
            {
                if (p.Evaluation is { } e)
                {
                    points.Add(new LearningCurvePoint(p.Step, name, TrainSplit, e.TrainBatchAccuracy, e.TrainBatchLoss));
                    points.Add(new LearningCurvePoint(p.Step, name, TestSplit, e.TestAccuracy, e.TestLoss));
                }

                onProgress?.Invoke(name, p);
            });
            using var trained = new Trainer(spec, options).Train(train, test, progress, cancellationToken);
            summaries[name] = trained.Summary!;
        }

        return new BatchNormComparisonResult(points, summaries, options);
    }

    /// <summary>Reports on the training thread, in order (System.Progress would post to the thread pool).</summary>
    private sealed class Listener(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
