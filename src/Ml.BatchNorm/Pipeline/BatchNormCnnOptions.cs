using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Options of the BatchNormCnn trainer. Every training default lives in <see cref="TrainingOptions"/>: a null
/// option here takes that default (and <see cref="Seed"/> the context's seed), so no default is defined twice.
/// </summary>
public sealed record BatchNormCnnOptions
{
    /// <summary>The label column: a key column (use MapValueToKey first). Default "Label".</summary>
    public string LabelColumnName { get; init; } = "Label";

    /// <summary>The image column: a known-size Single vector, pixel/255 in [0, 1], row-major. Default "Image".</summary>
    public string FeatureColumnName { get; init; } = "Image";

    /// <summary>Passes over the training data; null: <see cref="TrainingOptions.DefaultEpochs"/>.</summary>
    public int? Epochs { get; init; }

    /// <summary>Rows per training step; null: <see cref="TrainingOptions.BatchSize"/>'s default.</summary>
    public int? BatchSize { get; init; }

    /// <summary>Initial learning rate; null: <see cref="TrainingOptions.LearningRate"/>'s default.</summary>
    public double? LearningRate { get; init; }

    /// <summary>Batch-normalization settings of the BN network (ignored when <see cref="UseBatchNorm"/> is false); null: <see cref="BatchNormOptions"/>'s defaults.</summary>
    public BatchNormOptions? BatchNorm { get; init; }

    /// <summary>True: the seed's BN network (<see cref="SeedNetworks.Model1"/>); false: the same network without BN (<see cref="SeedNetworks.Model2"/>). Default true.</summary>
    public bool UseBatchNorm { get; init; } = true;

    /// <summary>Seed for weights, data order and dropout; null: the context's seed.</summary>
    public ulong? Seed { get; init; }

    /// <summary>Threads for libtorch and OpenBLAS, in training and scoring (0: all cores); null: <see cref="TrainingOptions.Threads"/>'s default.</summary>
    public int? Threads { get; init; }

    /// <summary>"cpu", "cuda" or "cuda:N"; null: <see cref="TrainingOptions.Device"/>'s default.</summary>
    public string? Device { get; init; }

    /// <summary>Image height; null: the square root of the feature vector's size (which must then be a perfect square).</summary>
    public int? Height { get; init; }

    /// <summary>Image width; null: the square root of the feature vector's size.</summary>
    public int? Width { get; init; }

    /// <summary>The engine options these map onto, over <see cref="TrainingOptions"/>'s defaults; validated there (messages name the option).</summary>
    internal TrainingOptions ToTrainingOptions(ulong? contextSeed)
    {
        var defaults = new TrainingOptions();
        var options = defaults with
        {
            Epochs = Epochs ?? defaults.Epochs,
            BatchSize = BatchSize ?? defaults.BatchSize,
            LearningRate = LearningRate ?? defaults.LearningRate,
            Seed = Seed ?? contextSeed ?? defaults.Seed,
            Threads = Threads ?? defaults.Threads,
            Device = Device ?? defaults.Device,

            // Fit has no test set to report on; periodic training-batch evaluation would only cost time.
            EvaluateEvery = 0,
        };
        options.Validate();
        return options;
    }
}
