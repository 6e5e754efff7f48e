namespace Ml.BatchNorm.Pipeline;

/// <summary>Resizes images to a fixed size (ML.NET's ResizeImages); see <see cref="ImageResizingTransformer"/>.</summary>
public sealed class ImageResizingEstimator : TrivialEstimator<ImageResizingTransformer>
{
    internal ImageResizingEstimator(string outputColumnName, int imageWidth, int imageHeight, string inputColumnName)
        : base(new ImageResizingTransformer(outputColumnName, imageWidth, imageHeight, inputColumnName))
    {
    }
}
