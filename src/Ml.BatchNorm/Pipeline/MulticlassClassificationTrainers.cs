namespace Ml.BatchNorm.Pipeline;

/// <summary>Multiclass trainers: <c>ctx.MulticlassClassification.Trainers</c>.</summary>
public sealed class MulticlassClassificationTrainers
{
    private readonly ulong? _seed;

    internal MulticlassClassificationTrainers(ulong? seed) => _seed = seed;

    /// <summary>The seed's batch-normalized CNN, with every option; see <see cref="BatchNormCnnEstimator"/>.</summary>
    /// <exception cref="ArgumentException">An option is invalid; the message names it.</exception>
    public BatchNormCnnEstimator BatchNormCnn(BatchNormCnnOptions options) => new(options, _seed);

    /// <summary>The seed's batch-normalized CNN with default options except the columns and, optionally, the epochs.</summary>
    public BatchNormCnnEstimator BatchNormCnn(string labelColumnName = "Label", string featureColumnName = "Image", int? epochs = null) =>
        new(new BatchNormCnnOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName, Epochs = epochs }, _seed);
}
