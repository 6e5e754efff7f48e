using System.Globalization;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// How to train: optimizer, schedule, batches, length, seed, device, evaluation and checkpoints.
/// Every default is defined here once; <see cref="SeedRecipe"/> gives the seed documents' recipe.
/// </summary>
public sealed record TrainingOptions
{
    /// <summary>The optimizer. Default <see cref="OptimizerKind.Adam"/>.</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Initial learning rate. Default 0.002.</summary>
    public double LearningRate { get; init; } = 0.002;

    /// <summary>How the learning rate changes over the run. Default <see cref="LearningRateSchedule.Staircase"/>.</summary>
    public LearningRateSchedule Schedule { get; init; } = LearningRateSchedule.Staircase;

    /// <summary>Multiply the learning rate by this every <see cref="LearningRateDecaySteps"/> steps (staircase schedule). Default 0.5.</summary>
    public double LearningRateDecay { get; init; } = 0.5;

    /// <summary>Steps between learning-rate decays. Default 1000.</summary>
    public int LearningRateDecaySteps { get; init; } = 1000;

    /// <summary>SGD momentum (0 for none). Default 0.9.</summary>
    public double Momentum { get; init; } = 0.9;

    /// <summary>SGD: use Nesterov momentum. Default off.</summary>
    public bool Nesterov { get; init; }

    /// <summary>Adam's first-moment decay. Default 0.9.</summary>
    public double Beta1 { get; init; } = 0.9;

    /// <summary>Adam's second-moment decay. Default 0.999.</summary>
    public double Beta2 { get; init; } = 0.999;

    /// <summary>Optimizer epsilon; null takes the optimizer's own default (Adam 1e-8, Adagrad 1e-10).</summary>
    public double? OptimizerEpsilon { get; init; }

    /// <summary>Adagrad's starting accumulator. Default 0.1 (TensorFlow's).</summary>
    public double InitialAccumulator { get; init; } = 0.1;

    /// <summary>L2 penalty added to every gradient. Default 0.</summary>
    public double WeightDecay { get; init; }

    /// <summary>What training may change in every batch-normalization layer (fine-tuning). Default <see cref="BatchNormFineTuning.Full"/>.</summary>
    public BatchNormFineTuning FineTuning { get; init; } = BatchNormFineTuning.Full;

    /// <summary>Rows per training step. Default 64.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Passes over the training data; give this or <see cref="Iterations"/>, not both. Default 3 when neither is given.</summary>
    public int? Epochs { get; init; }

    /// <summary>Training steps; give this or <see cref="Epochs"/>, not both.</summary>
    public long? Iterations { get; init; }

    /// <summary>What to do with the last, partial batch of each epoch. Default <see cref="LastBatchPolicy.Drop"/>.</summary>
    public LastBatchPolicy LastBatch { get; init; } = LastBatchPolicy.Drop;

    /// <summary>Seed for weights, data order and dropout. Default 1.</summary>
    public ulong Seed { get; init; } = 1;

    /// <summary>"cpu", "cuda" or "cuda:N". Default "cpu".</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>Threads for libtorch and OpenBLAS; 0 means all cores. Default 0.</summary>
    public int Threads { get; init; }

    /// <summary>
    /// How CReLU, CReLU + max-pool (with the training-mode batch norm before it, on batch norm's default path)
    /// and the optimizer update run: C# SIMD kernels (<see cref="Kernels.KernelPath.Fused"/>,
    /// the default) or the plain TorchSharp operators (<see cref="Kernels.KernelPath.Plain"/>, the reference).
    /// Both compute the same function; results agree to float32 rounding.
    /// </summary>
    public Kernels.KernelPath KernelPath { get; init; } = Kernels.KernelPath.Fused;

    /// <summary>
    /// What training does to glibc's allocator (process-wide): <see cref="Runtime.AllocatorMode.KeepLargeBlocks"/>
    /// (default) keeps multi-megabyte blocks in the heap instead of mapping and unmapping them every step;
    /// <see cref="Runtime.AllocatorMode.LeaveAlone"/> leaves the process's allocator as it is.
    /// </summary>
    public Runtime.AllocatorMode Allocator { get; init; } = Runtime.AllocatorMode.KeepLargeBlocks;

    /// <summary>Report training-batch and test metrics (inference mode) every this many steps; 0 turns it off. Default 100.</summary>
    public int EvaluateEvery { get; init; } = 100;

    /// <summary>Test rows used by the periodic evaluation (the first ones); 0 means all. Default 2000.</summary>
    public int EvaluationRows { get; init; } = 2000;

    /// <summary>Checkpoint file; null turns checkpoints off. When it exists, training resumes from it.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Steps between checkpoints. Default 100.</summary>
    public int CheckpointEvery { get; init; } = 100;

    /// <summary>Ignore an existing checkpoint and start over.</summary>
    public bool Restart { get; init; }

    /// <summary>
    /// Report batch-norm diagnostics through the progress callback: lint and horizon findings with the
    /// first step, per-layer telemetry on the training batch at each evaluation, and the train/inference
    /// gap on the evaluation rows of the test data once an epoch (at the first evaluation that ends an epoch or follows one; every epoch when nothing is evaluated) and at the end of training. They run only when a progress
    /// callback is given, on copies of the network (training is unchanged). Default on.
    /// </summary>
    public bool Diagnostics { get; init; } = true;

    /// <summary>
    /// Random shifts and mirrors of the training images (<see cref="Data.ImageAugmentation"/>), drawn from the
    /// seed and step; evaluation never augments. Default none.
    /// </summary>
    public Data.ImageAugmentation Augmentation { get; init; } = Data.ImageAugmentation.None;

    /// <summary>
    /// Label smoothing ε in [0, 1): training's cross-entropy targets are (1 - ε) on the true class plus ε spread
    /// evenly over all classes (PyTorch's definition), so the network is not pushed towards ever larger logits.
    /// Only the training loss changes; evaluation reports the plain cross-entropy. Default 0.
    /// </summary>
    public double LabelSmoothing { get; init; }

    /// <summary>The number of epochs used when neither <see cref="Epochs"/> nor <see cref="Iterations"/> is given.</summary>
    public const int DefaultEpochs = 3;

    /// <summary>
    /// The seed documents' recipe: Adagrad at 0.1 decayed by 0.95 every 1000 steps (staircase),
    /// accumulators starting at 0.1, batch 1024, 10,000 iterations, evaluation and checkpoints
    /// every 100 steps.
    /// </summary>
    public static TrainingOptions SeedRecipe() => new()
    {
        Optimizer = OptimizerKind.Adagrad,
        LearningRate = 0.1,
        LearningRateDecay = 0.95,
        LearningRateDecaySteps = 1000,
        InitialAccumulator = 0.1,
        BatchSize = 1024,
        Iterations = 10_000,
        EvaluateEvery = 100,
        CheckpointEvery = 100,
    };

    /// <summary>The optimizer epsilon in effect.</summary>
    public double EffectiveOptimizerEpsilon => OptimizerEpsilon ?? (Optimizer == OptimizerKind.Adagrad ? 1e-10 : 1e-8);

    /// <summary>The learning rate at a zero-based step of a run of <paramref name="totalSteps"/> steps, under <see cref="Schedule"/>.</summary>
    public double LearningRateAt(long step, long totalSteps) => Schedule switch
    {
        LearningRateSchedule.Cosine => LearningRate * 0.5 * (1 + Math.Cos(Math.PI * Math.Clamp((double)step / Math.Max(totalSteps, 1), 0, 1))),
        _ => LearningRateDecay == 1.0 ? LearningRate : LearningRate * Math.Pow(LearningRateDecay, step / LearningRateDecaySteps),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        Require(Epochs is null || Iterations is null, nameof(Epochs), $"give {nameof(Epochs)} or {nameof(Iterations)}, not both");
        Require(Epochs is null || Epochs > 0, nameof(Epochs), $"must be positive; got {Epochs}");
        Require(Iterations is null || Iterations > 0, nameof(Iterations), $"must be positive; got {Iterations}");
        Require(LearningRate > 0 && double.IsFinite(LearningRate), nameof(LearningRate), $"must be a positive number; got {LearningRate}");
        Require(LearningRateDecay > 0 && LearningRateDecay <= 1, nameof(LearningRateDecay), $"must be in (0, 1]; got {LearningRateDecay}");
        Require(LearningRateDecaySteps > 0, nameof(LearningRateDecaySteps), $"must be positive; got {LearningRateDecaySteps}");
        Require(Enum.IsDefined(Schedule), nameof(Schedule), $"must be one of {string.Join(", ", Enum.GetNames<LearningRateSchedule>())}; got {(int)Schedule}");
        Require(Momentum >= 0 && Momentum < 1, nameof(Momentum), $"must be in [0, 1); got {Momentum}");
        Require(Beta1 >= 0 && Beta1 < 1, nameof(Beta1), $"must be in [0, 1); got {Beta1}");
        Require(Beta2 >= 0 && Beta2 < 1, nameof(Beta2), $"must be in [0, 1); got {Beta2}");
        Require(EffectiveOptimizerEpsilon >= 0, nameof(OptimizerEpsilon), $"must not be negative; got {OptimizerEpsilon}");
        Require(InitialAccumulator >= 0, nameof(InitialAccumulator), $"must not be negative; got {InitialAccumulator}");
        Require(WeightDecay >= 0, nameof(WeightDecay), $"must not be negative; got {WeightDecay}");
        Require(Enum.IsDefined(FineTuning), nameof(FineTuning), $"must be one of {string.Join(", ", Enum.GetNames<BatchNormFineTuning>())}; got {(int)FineTuning}");
        Require(BatchSize > 0, nameof(BatchSize), $"must be positive; got {BatchSize}");
        Require(Augmentation is not null, nameof(Augmentation), $"must not be null; use {nameof(Data.ImageAugmentation)}.{nameof(Data.ImageAugmentation.None)}");
        Require(Augmentation!.MaxShift >= 0, nameof(Augmentation), $"{nameof(Data.ImageAugmentation.MaxShift)} must not be negative; got {Augmentation.MaxShift}");
        Require(Augmentation.EraseProbability is >= 0 and <= 1, nameof(Augmentation), $"{nameof(Data.ImageAugmentation.EraseProbability)} must be in [0, 1]; got {Augmentation.EraseProbability}");
        Require(LabelSmoothing is >= 0 and < 1, nameof(LabelSmoothing), $"must be in [0, 1); got {LabelSmoothing}");
        Require(Threads >= 0, nameof(Threads), $"must be 0 (all cores) or positive; got {Threads}");
        Require(EvaluateEvery >= 0, nameof(EvaluateEvery), $"must not be negative; got {EvaluateEvery}");
        Require(EvaluationRows >= 0, nameof(EvaluationRows), $"must not be negative; got {EvaluationRows}");
        Require(CheckpointEvery > 0, nameof(CheckpointEvery), $"must be positive; got {CheckpointEvery}");
        Require(!string.IsNullOrWhiteSpace(Device), nameof(Device), "must name a device: cpu, cuda or cuda:N");
    }

    /// <summary>
    /// The options that change the arithmetic of training, by name. A checkpoint stores them, and
    /// resuming under different values is refused (threads, device, evaluation and checkpoint
    /// settings may change).
    /// </summary>
    public IReadOnlyDictionary<string, string> Fingerprint()
    {
        string F(double d) => d.ToString("R", CultureInfo.InvariantCulture);
        var fingerprint = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            [nameof(Optimizer)] = Optimizer.ToString(),
            [nameof(LearningRate)] = F(LearningRate),
            [nameof(LearningRateDecay)] = F(LearningRateDecay),
            [nameof(LearningRateDecaySteps)] = LearningRateDecaySteps.ToString(CultureInfo.InvariantCulture),
            [nameof(Momentum)] = F(Momentum),
            [nameof(Nesterov)] = Nesterov.ToString(),
            [nameof(Beta1)] = F(Beta1),
            [nameof(Beta2)] = F(Beta2),
            [nameof(OptimizerEpsilon)] = F(EffectiveOptimizerEpsilon),
            [nameof(InitialAccumulator)] = F(InitialAccumulator),
            [nameof(WeightDecay)] = F(WeightDecay),
            [nameof(BatchSize)] = BatchSize.ToString(CultureInfo.InvariantCulture),
            [nameof(Epochs)] = Epochs?.ToString(CultureInfo.InvariantCulture) ?? "",
            [nameof(Iterations)] = Iterations?.ToString(CultureInfo.InvariantCulture) ?? "",
            [nameof(LastBatch)] = LastBatch.ToString(),
            [nameof(Seed)] = Seed.ToString(CultureInfo.InvariantCulture),
            [nameof(FineTuning)] = FineTuning.ToString(),
        };

        // Only when on: checkpoints written before augmentation (label smoothing, schedules) existed keep resuming.
        if (!Augmentation.IsNone)
        {
            fingerprint[nameof(Augmentation)] = Augmentation.ToString();
        }

        if (Schedule != LearningRateSchedule.Staircase)
        {
            fingerprint[nameof(Schedule)] = Schedule.ToString();
        }

        if (LabelSmoothing != 0)
        {
            fingerprint[nameof(LabelSmoothing)] = F(LabelSmoothing);
        }

        return fingerprint;
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{nameof(TrainingOptions)}.{option} {problem}.", option);
        }
    }
}
