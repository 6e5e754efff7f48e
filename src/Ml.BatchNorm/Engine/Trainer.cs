using System.Diagnostics;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// Trains a network from a <see cref="NetworkSpec"/> on an <see cref="ImageDataset"/>: shuffled
/// mini-batches, the configured optimizer and schedule, periodic inference-mode evaluation, and
/// checkpoints from which an interrupted run resumes exactly.
/// </summary>
/// <remarks>
/// Concurrent trainings in one process are supported: each network draws its weights and dropout masks
/// from its own generators (never libtorch's global one), so two trainings on two threads give the
/// weights each gives alone. libtorch's thread counts are process-wide: <see cref="TrainingOptions.Threads"/>
/// of the training that started last applies to both (results are bit-identical for the same seed, data and thread count).
/// </remarks>
public sealed class Trainer
{
    private const int EvaluationBatch = 1000;

    /// <summary>Creates a trainer; the options are validated here, once.</summary>
    public Trainer(NetworkSpec spec, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(options);
        spec.Validate();
        options.Validate();
        if (options.Augmentation.MaxShift >= Math.Min(spec.Height, spec.Width))
        {
            throw new ArgumentException(
                $"{nameof(TrainingOptions)}.{nameof(TrainingOptions.Augmentation)}.{nameof(Data.ImageAugmentation.MaxShift)} {options.Augmentation.MaxShift} would move the network's {spec.Height}x{spec.Width} images out of view; use at most {Math.Min(spec.Height, spec.Width) - 1}.",
                nameof(options));
        }

        Spec = spec;
        Options = options;
    }

    /// <summary>The network to train.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The training options.</summary>
    public TrainingOptions Options { get; }

    /// <summary>
    /// Trains and returns the network. With a checkpoint path, resumes from an existing checkpoint
    /// (unless <see cref="TrainingOptions.Restart"/>) and writes one every
    /// <see cref="TrainingOptions.CheckpointEvery"/> steps. Cancelling stops after the current step.
    /// </summary>
    public TrainedNetwork Train(ImageDataset train, ImageDataset? test = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(train, test, progress, null, cancellationToken);

    /// <summary>
    /// Continues training from <paramref name="pretrained"/>'s weights and moving statistics (the optimizer starts
    /// fresh), under <see cref="TrainingOptions.FineTuning"/>. <see cref="Spec"/> must have the same tensors as the
    /// pretrained network (its batch-norm options, such as the decay, may differ). The pretrained network is not
    /// changed. A checkpoint records which weights it started from, so resuming from another model is an error.
    /// </summary>
    /// <exception cref="ArgumentException">The pretrained network's tensors do not match <see cref="Spec"/>'s.</exception>
    public TrainedNetwork FineTune(TrainedNetwork pretrained, ImageDataset train, ImageDataset? test = null, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        return Run(train, test, progress, pretrained.Network, cancellationToken);
    }

    private TrainedNetwork Run(ImageDataset train, ImageDataset? test, IProgress<TrainingProgress>? progress, Network? start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(train);
        CheckData(train, nameof(train));
        if (test is not null)
        {
            CheckData(test, nameof(test));
        }

        Runtime.TorchThreads.Apply(Options.Threads);
        Runtime.DeviceOption.Parse(Options.Device, nameof(Options.Device));
        // Before training allocates: glibc's mmap threshold then keeps the large activations in the heap.
        Runtime.ProcessAllocator.Configure(Options.Allocator);
        var batches = Batches(train);
        long totalSteps = TotalSteps(batches);
        var fingerprint = Options.Fingerprint();
        var startTensors = start is null ? null : NetworkTensors.Export(start, TensorRole.Parameter, TensorRole.Statistic);
        if (startTensors is not null)
        {
            fingerprint = new SortedDictionary<string, string>(fingerprint.ToDictionary(), StringComparer.Ordinal) { ["StartingWeights"] = WeightsDigest(startTensors) };
        }

        var network = new Network(Spec, Options.Seed, Options.Device);
        try
        {
            if (startTensors is not null)
            {
                try
                {
                    NetworkTensors.Import(network, startTensors, "the pretrained network", TensorRole.Parameter, TensorRole.Statistic);
                }
                catch (InvalidDataException e)
                {
                    throw new ArgumentException($"the pretrained network does not fit the spec being trained: {e.Message}", "pretrained", e);
                }
            }

            SetOptimizer(network);
            if (Options.FineTuning != BatchNormFineTuning.Full)
            {
                network.SetBatchNormFineTuning(Options.FineTuning);
            }

            long startStep = 0;
            if (Options.CheckpointPath is { } checkpointPath && File.Exists(checkpointPath))
            {
                if (Options.Restart)
                {
                    File.Delete(checkpointPath);
                }
                else
                {
                    startStep = TrainingCheckpoint.Restore(checkpointPath, network, fingerprint);
                    if (startStep > totalSteps)
                    {
                        throw new InvalidOperationException($"checkpoint {checkpointPath} is at step {startStep}, beyond this run's {totalSteps} steps; pass restart (--restart) to start over.");
                    }
                }
            }

            double finalLoss = RunSteps(network, batches, test, startStep, totalSteps, fingerprint, progress, cancellationToken, out double seconds, out double trainingSeconds);
            long ranSteps = totalSteps - startStep;
            var summary = new TrainingSummary(
                totalSteps,
                (double)totalSteps / batches.BatchesPerEpoch,
                train.Count,
                seconds,
                trainingSeconds > 0 ? ranSteps * (double)Options.BatchSize / trainingSeconds : 0,
                startStep,
                finalLoss,
                fingerprint);
            return new TrainedNetwork(network, train.LabelNames, summary);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    /// <summary>The steps a run on <paramref name="train"/> takes in all: the iterations, or the epochs times the batches per epoch under the last-batch policy.</summary>
    public long PlannedSteps(ImageDataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        return TotalSteps(Batches(train));
    }

    private MiniBatchSequence Batches(ImageDataset train) => new(train, Options.BatchSize, Options.Seed, shuffle: true, Options.LastBatch);

    private long TotalSteps(MiniBatchSequence batches) => Options.Iterations ?? (long)(Options.Epochs ?? TrainingOptions.DefaultEpochs) * batches.BatchesPerEpoch;

    private double RunSteps(Network network, MiniBatchSequence batches, ImageDataset? test, long startStep, long totalSteps, IReadOnlyDictionary<string, string> fingerprint, IProgress<TrainingProgress>? progress, CancellationToken cancellationToken, out double seconds, out double trainingSeconds)
    {
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, batches.PixelsPerImage);
        var total = Stopwatch.StartNew();
        // Throughput counts the training steps only, not evaluations and checkpoints between them.
        var stepClock = new Stopwatch();
        double reportedAt = 0;
        long imagesSinceReport = 0;
        double loss = double.NaN;
        // Diagnostics run on copies of the network and only for someone listening.
        bool diagnose = Options.Diagnostics && progress is not null;
        bool gapDue = false;
        for (long step = startStep; step < totalSteps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            stepClock.Start();
            int rows = batches.Fill(step, buffer);
            Options.Augmentation.Apply(buffer, rows, Spec.Channels, Spec.Height, Spec.Width, Options.Seed, step);
            double learningRate = Options.LearningRateAt(step, totalSteps);
            (float stepLoss, _) = network.TrainStep(buffer.Images, buffer.Labels, rows, learningRate, (ulong)step);
            stepClock.Stop();
            loss = stepLoss;
            imagesSinceReport += rows;
            long done = step + 1;

            ProgressEvaluation? evaluation = null;
            if (Options.EvaluateEvery > 0 && (done % Options.EvaluateEvery == 0 || done == totalSteps))
            {
                evaluation = EvaluateProgress(network, buffer, rows, test, diagnose && rows >= 2);
            }

            var findings = new List<BatchNormFinding>();
            BatchNormGapResult? gap = null;
            if (diagnose)
            {
                if (step == startStep)
                {
                    findings.AddRange(BatchNormLint.Check(Spec));
                    findings.AddRange(BatchNormHorizon.Check(Spec, totalSteps));
                }

                findings.AddRange(evaluation?.Telemetry?.Findings ?? []);
                gapDue |= done % batches.BatchesPerEpoch == 0 || done == totalSteps;
                // At most once an epoch, and with evaluations at the next one: a recipe that evaluates every few
                // epochs to save time is not slowed by a gap check every epoch.
                if (gapDue && (evaluation is not null || Options.EvaluateEvery == 0) && test is { Count: >= 2 } && Spec.HasBatchNorm)
                {
                    gapDue = false;
                    gap = BatchNormGapCheck.Run(network, test, Options.BatchSize, Options.EvaluationRows == 0 ? test.Count : Options.EvaluationRows);
                    if (gap.Finding is { } f)
                    {
                        findings.Add(f);
                    }
                }
            }

            if (Options.CheckpointPath is { } path && done % Options.CheckpointEvery == 0 && done < totalSteps)
            {
                TrainingCheckpoint.Save(path, network, done, fingerprint);
            }

            if (progress is not null)
            {
                double elapsed = stepClock.Elapsed.TotalSeconds - reportedAt;
                progress.Report(new TrainingProgress(done, totalSteps, step / batches.BatchesPerEpoch, loss, imagesSinceReport / Math.Max(elapsed, 1e-9), learningRate, evaluation)
                {
                    Findings = findings,
                    GapCheck = gap,
                });
                if (elapsed > 1)
                {
                    reportedAt = stepClock.Elapsed.TotalSeconds;
                    imagesSinceReport = 0;
                }
            }
        }

        seconds = total.Elapsed.TotalSeconds;
        trainingSeconds = stepClock.Elapsed.TotalSeconds;
        return loss;
    }

    private ProgressEvaluation EvaluateProgress(Network network, MiniBatchBuffer buffer, int rows, ImageDataset? test, bool telemetry)
    {
        (double batchLoss, long batchCorrect) = network.Evaluate(buffer.Images, buffer.Labels, rows);
        var testResult = test is null
            ? new DatasetLoss(double.NaN, double.NaN, 0)
            : DatasetLoss.Compute(network, test, Options.EvaluationRows == 0 ? test.Count : Math.Min(Options.EvaluationRows, test.Count));
        return new ProgressEvaluation((double)batchCorrect / rows, batchLoss / rows, testResult.Accuracy, testResult.MeanLoss, testResult.Rows)
        {
            Telemetry = telemetry && Spec.HasBatchNorm ? BatchNormTelemetry.Measure(network, buffer.Images, rows) : null,
        };
    }

    // SHA-256 over the starting tensors' names and values: which weights a fine-tuning run started from.
    private static string WeightsDigest(IReadOnlyList<TensorData> tensors)
    {
        using var hash = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        foreach (var t in tensors.OrderBy(t => t.Name, StringComparer.Ordinal))
        {
            hash.AppendData(System.Text.Encoding.UTF8.GetBytes(t.Name));
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(t.Values.AsSpan()));
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    private void SetOptimizer(Network network) => network.SetOptimizer(Options);

    private void CheckData(ImageDataset data, string name)
    {
        int expected = Spec.Channels * Spec.Height * Spec.Width;
        if (data.PixelsPerImage != expected)
        {
            throw new ArgumentException($"{name} ({data.Source}) holds {data.Height}x{data.Width} images; the network expects {Spec.Height}x{Spec.Width}.", name);
        }
    }
}
