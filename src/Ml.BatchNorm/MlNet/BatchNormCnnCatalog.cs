using Microsoft.ML;

namespace Ml.BatchNorm;

/// <summary>The BatchNormCnn trainer in ML.NET's multiclass catalog: <c>mlContext.MulticlassClassification.Trainers.BatchNormCnn(...)</c>.</summary>
public static class BatchNormCnnCatalog
{
    /// <summary>
    /// Trains the seed's batch-normalized CNN on grey 28x28 images with the default recipe.
    /// </summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="labelColumnName">The label column: a key (apply MapValueToKey first).</param>
    /// <param name="featureColumnName">The image column: Vector&lt;Single, 784&gt;, pixel/255.</param>
    public static BatchNormCnnEstimator BatchNormCnn(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        string labelColumnName = "Label",
        string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BatchNormCnnEstimator(new BatchNormCnnOptions { LabelColumnName = labelColumnName, FeatureColumnName = featureColumnName });
    }

    /// <summary>Trains the seed's batch-normalized CNN (or, with <see cref="BatchNormCnnOptions.UseBatchNorm"/> off, its plain twin) with the given options.</summary>
    /// <param name="catalog">The multiclass trainers catalog.</param>
    /// <param name="options">Columns, image shape, network and training recipe; validated here (messages name the option).</param>
    public static BatchNormCnnEstimator BatchNormCnn(
        this MulticlassClassificationCatalog.MulticlassClassificationTrainers catalog,
        BatchNormCnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        return new BatchNormCnnEstimator(options);
    }
}
