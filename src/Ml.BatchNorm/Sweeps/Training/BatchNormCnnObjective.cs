using Microsoft.ML;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// The sweep objective over the batch-norm CNN's trainer: builds model1 (or model2 when batch norm is
/// off) and training options from a trial's <see cref="BatchNormCnnSearchSpace"/> parameters, trains
/// for the trial's epochs on the training view, checkpoints and evaluates on the validation view after
/// every epoch (the value reported to the pruner), resumes from the trial folder's checkpoint, and
/// saves the trained model there as <see cref="ModelFileName"/>: an ML.NET model file, the pipeline
/// <c>mlbn train</c> writes, that <c>mlContext.Model.Load</c> and <c>mlbn evaluate</c> read. Never touches a test set.
/// </summary>
/// <remarks>
/// Written against the engine's <see cref="Trainer"/>/<see cref="TrainingOptions"/>. Intermediate values
/// are the validation micro accuracy or log loss; for macro accuracy they are the micro accuracy (the
/// trainer's per-epoch evaluation has no per-class counts) and the final value is the macro accuracy.
/// </remarks>
public sealed class BatchNormCnnObjective : ITrialObjective
{
    /// <summary>The trained model's ML.NET model file name inside the trial's checkpoint folder.</summary>
    public const string ModelFileName = "model.zip";

    private readonly ImageDataset _train;
    private readonly ImageDataset _validation;
    private readonly int _threads;
    private readonly ulong _seed;
    private readonly string _device;

    /// <summary>An objective over a training view and a validation view.</summary>
    /// <param name="train">The rows trials train on.</param>
    /// <param name="validation">The rows trials are measured on (never the test set).</param>
    /// <param name="threads">libtorch threads per trial (process-wide: with N parallel workers give cores / N); 0: all cores.</param>
    /// <param name="seed">Every trial's training seed (weights, order, dropout), so trials differ only by their parameters.</param>
    /// <param name="device">"cpu", "cuda" or "cuda:N".</param>
    public BatchNormCnnObjective(ImageDataset train, ImageDataset validation, int threads = 0, ulong seed = 1, string device = "cpu")
    {
        _train = train ?? throw new ArgumentNullException(nameof(train));
        _validation = validation ?? throw new ArgumentNullException(nameof(validation));
        if (validation.Count < 1)
        {
            throw new ArgumentException("The validation view is empty.", nameof(validation));
        }

        _threads = threads;
        _seed = seed;
        _device = device;
    }

    /// <summary>
    /// Splits a fraction of a training set off as validation rows (seeded shuffle), so a sweep never needs
    /// the test set.
    /// </summary>
    public static (ImageDataset Train, ImageDataset Validation) SplitValidation(ImageDataset data, double fraction, ulong seed = 1)
    {
        if (!(fraction > 0 && fraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(fraction), fraction, "The validation fraction must be in (0, 1).");
        }

        var order = Enumerable.Range(0, data.Count).ToArray();
        var random = new TrialRandom(seed, 0, salt: 17);
        for (int i = order.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (order[i], order[j]) = (order[j], order[i]);
        }

        int validationRows = Math.Max(1, (int)Math.Round(data.Count * fraction));
        return (data.Select(order[validationRows..].Order().ToArray()), data.Select(order[..validationRows].Order().ToArray()));
    }

    /// <summary>The network a trial trains.</summary>
    public NetworkSpec Spec(TrialParameters p)
    {
        double keep = p.GetDouble(BatchNormCnnSearchSpace.KeepProbability, SeedNetworks.DefaultKeepProbability);
        bool useBatchNorm = p.GetBool(BatchNormCnnSearchSpace.UseBatchNorm, true);
        if (!useBatchNorm)
        {
            return SeedNetworks.Model2(_train.ClassCount, keep, _train.Height, _train.Width);
        }

        var defaults = new BatchNormOptions();
        var batchNorm = defaults with
        {
            MovingAverageDecay = p.GetDouble(BatchNormCnnSearchSpace.BatchNormDecay, defaults.MovingAverageDecay),
            Epsilon = p.GetDouble(BatchNormCnnSearchSpace.BatchNormEpsilon, defaults.Epsilon),
            Renorm = p.GetBool(BatchNormCnnSearchSpace.Renorm, defaults.Renorm),
            GhostBatchSize = p.GetInt(BatchNormCnnSearchSpace.GhostBatchSize, defaults.GhostBatchSize),
        };
        return SeedNetworks.Model1(batchNorm, _train.ClassCount, keep, _train.Height, _train.Width);
    }

    /// <summary>The training options of a trial (epochs: the trial's resource).</summary>
    public TrainingOptions Options(TrialParameters p, int epochs, string? checkpointPath)
    {
        var defaults = new TrainingOptions();
        int batchSize = p.GetInt(BatchNormCnnSearchSpace.BatchSize, defaults.BatchSize);
        long stepsPerEpoch = Math.Max(1, _train.Count / batchSize);
        return defaults with
        {
            Optimizer = p.GetEnum(BatchNormCnnSearchSpace.Optimizer, defaults.Optimizer),
            LearningRate = p.GetDouble(BatchNormCnnSearchSpace.LearningRate, defaults.LearningRate),
            LearningRateDecay = p.GetDouble(BatchNormCnnSearchSpace.LearningRateDecay, defaults.LearningRateDecay),
            Schedule = p.GetEnum(BatchNormCnnSearchSpace.Schedule, defaults.Schedule),
            BatchSize = batchSize,
            Epochs = epochs,
            Seed = _seed,
            Threads = _threads,
            Device = _device,
            Diagnostics = false,
            EvaluateEvery = (int)stepsPerEpoch,
            EvaluationRows = 0,
            CheckpointPath = checkpointPath,
            CheckpointEvery = (int)stepsPerEpoch,
            Augmentation = new ImageAugmentation
            {
                MaxShift = p.GetInt(BatchNormCnnSearchSpace.Shift, defaults.Augmentation.MaxShift),
                HorizontalFlip = p.GetBool(BatchNormCnnSearchSpace.Flip, defaults.Augmentation.HorizontalFlip),
                EraseProbability = p.GetDouble(BatchNormCnnSearchSpace.Erase, defaults.Augmentation.EraseProbability),
            },
            LabelSmoothing = p.GetDouble(BatchNormCnnSearchSpace.LabelSmoothing, defaults.LabelSmoothing),
        };
    }

    /// <inheritdoc/>
    public Task<double> RunAsync(TrialContext context) => Task.Run(() => Run(context), context.CancellationToken);

    private double Run(TrialContext context)
    {
        var options = Options(context.Parameters, context.MaxEpochs, Path.Combine(context.CheckpointFolder, "training.ckpt"));
        var trainer = new Trainer(Spec(context.Parameters), options);
        long stepsPerEpoch = trainer.PlannedSteps(_train) / context.MaxEpochs;
        var reporter = new EpochReporter(context, stepsPerEpoch);
        var trained = trainer.Train(_train, _validation, reporter, context.CancellationToken);
        using var model = new BatchNormCnnModel(trained, BatchNormCnnTransformer.TrainingJson(options, trained.Summary));
        // The trainer already measured the whole validation view after the last step; only macro accuracy needs another pass.
        var last = reporter.Final ?? DatasetLoss.Compute(model.Trained.Network, _validation, _validation.Count);
        double value = context.Metric switch
        {
            SweepMetric.MacroAccuracy => MacroAccuracy(model.Trained.Network, _validation),
            SweepMetric.LogLoss => last.MeanLoss,
            _ => last.Accuracy,
        };
        Save(model, Path.Combine(context.CheckpointFolder, ModelFileName));
        return value;
    }

    /// <summary>
    /// Saves the trial's network in the pipeline every mlbn command writes, its input schema that of the
    /// validation rows ("Label" UInt32, "Features" pixel/255), so the best trial's file is a finished model.
    /// </summary>
    private void Save(BatchNormCnnModel model, string path)
    {
        var ml = new MLContext(seed: 1);
        var view = ImageRows.View(ml, _validation);
        var pipeline = MlbnPipeline.Around(ml, model, view);
        using (pipeline as IDisposable)
        {
            MlbnPipeline.Save(ml, pipeline, view.Schema, path);
        }
    }

    /// <summary>The mean over classes of each class's recall (ML.NET's macro accuracy), classes absent from the data left out.</summary>
    private static double MacroAccuracy(Network network, ImageDataset data)
    {
        int classes = network.OutputSize;
        var seen = new long[classes];
        var right = new long[classes];
        var batches = DatasetLoss.InOrderBatches(data, 1000);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, data.PixelsPerImage);
        var scores = new float[batches.MaxBatchSize * classes];
        for (int batch = 0; batch < batches.BatchesPerEpoch; batch++)
        {
            int count = batches.Fill(batch, buffer);
            network.Score(buffer.Images, count, scores);
            for (int row = 0; row < count; row++)
            {
                var p = scores.AsSpan(row * classes, classes);
                int predicted = 0;
                for (int k = 1; k < classes; k++)
                {
                    if (p[k] > p[predicted]) { predicted = k; }
                }

                int label = (int)buffer.Labels[row];
                seen[label]++;
                if (predicted == label) { right[label]++; }
            }
        }

        var recalls = Enumerable.Range(0, classes).Where(k => seen[k] > 0).Select(k => (double)right[k] / seen[k]).ToList();
        return recalls.Count == 0 ? double.NaN : recalls.Average();
    }

    /// <summary>Turns the trainer's end-of-epoch evaluations into reported values; synchronous, so a prune stops training at once.</summary>
    private sealed class EpochReporter(TrialContext context, long stepsPerEpoch) : IProgress<TrainingProgress>
    {
        /// <summary>The validation measured after the last step, when the trainer reported it.</summary>
        public DatasetLoss? Final { get; private set; }

        public void Report(TrainingProgress value)
        {
            if (value.Evaluation is not { } evaluation)
            {
                return;
            }

            if (value.Step == value.TotalSteps)
            {
                Final = new DatasetLoss(evaluation.TestLoss, evaluation.TestAccuracy, evaluation.TestRows);
            }

            if (value.Step % stepsPerEpoch == 0)
            {
                int epoch = (int)(value.Step / stepsPerEpoch);
                context.Report(epoch, context.Metric == SweepMetric.LogLoss ? evaluation.TestLoss : evaluation.TestAccuracy);
            }
        }
    }
}
