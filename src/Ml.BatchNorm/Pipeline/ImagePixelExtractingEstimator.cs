namespace Ml.BatchNorm.Pipeline;

/// <summary>Turns images into Single vectors (ML.NET's ExtractPixels); see <see cref="ImagePixelExtractingTransformer"/>.</summary>
public sealed class ImagePixelExtractingEstimator : TrivialEstimator<ImagePixelExtractingTransformer>
{
    internal ImagePixelExtractingEstimator(string outputColumnName, string inputColumnName, bool interleavePixelColors, float offsetImage, float scaleImage)
        : base(new ImagePixelExtractingTransformer(outputColumnName, inputColumnName, interleavePixelColors, offsetImage, scaleImage))
    {
    }
}
