namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// The default search space over the batch-norm CNN's trainer options, and the parameter names the
/// trainer adapter reads. Epochs are not searched: they are the resource a pruner allots.
/// </summary>
public static class BatchNormCnnSearchSpace
{
    /// <summary>Initial learning rate (log scale).</summary>
    public const string LearningRate = "learning_rate";

    /// <summary>Rows per training step.</summary>
    public const string BatchSize = "batch_size";

    /// <summary>adam, sgd or adagrad.</summary>
    public const string Optimizer = "optimizer";

    /// <summary>Learning-rate multiplier per decay period (1: no decay).</summary>
    public const string LearningRateDecay = "learning_rate_decay";

    /// <summary>Batch-norm moving-average decay (TensorFlow's meaning).</summary>
    public const string BatchNormDecay = "bn_decay";

    /// <summary>Batch-norm epsilon (log scale).</summary>
    public const string BatchNormEpsilon = "bn_epsilon";

    /// <summary>Dropout keep probability of the fully connected layer.</summary>
    public const string KeepProbability = "keep_probability";

    /// <summary>on: model1 (BN); off: model2 (no BN).</summary>
    public const string UseBatchNorm = "batch_norm";

    /// <summary>Batch renormalization on/off.</summary>
    public const string Renorm = "renorm";

    /// <summary>Ghost batch size (0: the whole batch).</summary>
    public const string GhostBatchSize = "ghost_batch_size";

    /// <summary>Largest random shift of training images in pixels (0: none).</summary>
    public const string Shift = "shift";

    /// <summary>Random left-right mirroring of training images on/off.</summary>
    public const string Flip = "flip";

    /// <summary>Random-erasing probability of training images (0: none).</summary>
    public const string Erase = "erase";

    /// <summary>The learning-rate schedule: staircase or cosine.</summary>
    public const string Schedule = "schedule";

    /// <summary>Label smoothing of the training loss (0: none).</summary>
    public const string LabelSmoothing = "label_smoothing";

    /// <summary>
    /// Learning rate 1e-4..0.1 (log); batch 32/64/128/256; Adam, SGD or Adagrad; decay 0.3..1;
    /// BN decay 0.9..0.999; BN epsilon 1e-5..1e-2 (log); keep 0.5..1; BN on/off; renorm off/on;
    /// ghost batches 0 (off), 16 or 32; shifts of 0, 1 or 2 pixels; mirroring off/on; random erasing
    /// with probability 0, 0.25 or 0.5; label smoothing 0..0.2; staircase or cosine learning-rate schedule.
    /// </summary>
    public static SearchSpace Default() => new SearchSpace()
        .Float(LearningRate, 1e-4, 0.1, log: true)
        .Choice(BatchSize, "32", "64", "128", "256")
        .Choice(Optimizer, "adam", "sgd", "adagrad")
        .Float(LearningRateDecay, 0.3, 1.0)
        .Float(BatchNormDecay, 0.9, 0.999)
        .Float(BatchNormEpsilon, 1e-5, 1e-2, log: true)
        .Float(KeepProbability, 0.5, 1.0)
        .Choice(UseBatchNorm, "on", "off")
        .Choice(Renorm, "off", "on")
        .Choice(GhostBatchSize, "0", "16", "32")
        .WithRegularizationAndSchedule();

    /// <summary>
    /// The space the best recipe was searched in: model1 with Adam, where the default space's wide
    /// ranges have been narrowed to what trains well on Fashion-MNIST in minutes. Learning rate
    /// 3e-4..5e-3 (log); batch 64/128/256; decay 0.5..1 per 1000 steps; BN decay 0.9..0.99; keep
    /// 0.4..0.9; shifts of 0, 1 or 2 pixels; mirroring off/on; random erasing with probability 0, 0.25
    /// or 0.5; label smoothing 0..0.2; staircase or cosine learning-rate schedule.
    /// </summary>
    public static SearchSpace Recipe() => new SearchSpace()
        .Float(LearningRate, 3e-4, 5e-3, log: true)
        .Choice(BatchSize, "64", "128", "256")
        .Choice(Optimizer, "adam")
        .Float(LearningRateDecay, 0.5, 1.0)
        .Float(BatchNormDecay, 0.9, 0.99)
        .Float(KeepProbability, 0.4, 0.9)
        .WithRegularizationAndSchedule();

    // The parameters both spaces search alike: augmentation, label smoothing and the learning-rate schedule.
    private static SearchSpace WithRegularizationAndSchedule(this SearchSpace space) => space
        .Choice(Shift, "0", "1", "2")
        .Choice(Flip, "off", "on")
        .Choice(Erase, "0", "0.25", "0.5")
        .Float(LabelSmoothing, 0, 0.2)
        .Choice(Schedule, "staircase", "cosine");
}
