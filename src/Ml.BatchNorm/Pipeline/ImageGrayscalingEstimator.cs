namespace Ml.BatchNorm.Pipeline;

/// <summary>Converts images to grey (ML.NET's ConvertToGrayscale); see <see cref="ImageGrayscalingTransformer"/>.</summary>
public sealed class ImageGrayscalingEstimator : TrivialEstimator<ImageGrayscalingTransformer>
{
    internal ImageGrayscalingEstimator(string outputColumnName, string inputColumnName)
        : base(new ImageGrayscalingTransformer(outputColumnName, inputColumnName))
    {
    }
}
