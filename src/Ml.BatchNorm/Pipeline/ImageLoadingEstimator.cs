namespace Ml.BatchNorm.Pipeline;

/// <summary>Decodes image files named by a text column (ML.NET's LoadImages); see <see cref="ImageLoadingTransformer"/>.</summary>
public sealed class ImageLoadingEstimator : TrivialEstimator<ImageLoadingTransformer>
{
    internal ImageLoadingEstimator(string outputColumnName, string? imageFolder, string inputColumnName)
        : base(new ImageLoadingTransformer(outputColumnName, imageFolder, inputColumnName))
    {
    }
}
