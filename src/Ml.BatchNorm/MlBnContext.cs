using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm;

/// <summary>
/// The entry point of the pipeline API, shaped like ML.NET's MLContext: catalogs for data, transforms, trainers,
/// evaluation and model files. The seed is explicit: trainers and shuffles use it unless given their own.
/// </summary>
public sealed class MlBnContext
{
    /// <summary>Creates a context.</summary>
    /// <param name="seed">The seed for training and shuffling; null takes each component's own default (1).</param>
    public MlBnContext(ulong? seed = null)
    {
        Seed = seed;
        Data = new DataOperationsCatalog(seed);
        Transforms = new TransformsCatalog();
        MulticlassClassification = new MulticlassClassificationCatalog(seed);
        Model = new ModelOperationsCatalog();
    }

    /// <summary>The context's seed, or null.</summary>
    public ulong? Seed { get; }

    /// <summary>Loading and reshaping data.</summary>
    public DataOperationsCatalog Data { get; }

    /// <summary>Data transforms.</summary>
    public TransformsCatalog Transforms { get; }

    /// <summary>Multiclass trainers and evaluation.</summary>
    public MulticlassClassificationCatalog MulticlassClassification { get; }

    /// <summary>Model files and prediction engines.</summary>
    public ModelOperationsCatalog Model { get; }
}
