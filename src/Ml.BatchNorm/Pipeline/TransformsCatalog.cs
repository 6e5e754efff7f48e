namespace Ml.BatchNorm.Pipeline;

/// <summary>Data transforms: <c>ctx.Transforms</c>. Names, parameters and defaults follow ML.NET's, except where a summary says otherwise.</summary>
public sealed class TransformsCatalog
{
    /// <summary>ML.NET's default for how many rows a normalizer reads when fitting.</summary>
    public const long DefaultMaximumExampleCount = 1_000_000_000;

    /// <summary>The default pixel scale of <see cref="ExtractPixels"/>: 1/255, so pixels land in [0, 1] (DESIGN §6); ML.NET's default is 1 (0-255).</summary>
    public const float DefaultPixelScale = 1f / 255f;

    internal TransformsCatalog()
    {
    }

    /// <summary>Type conversions: value-to-key and key-to-value mappings.</summary>
    public ConversionCatalog Conversion { get; } = new();

    /// <summary>
    /// Scales each slot of <paramref name="inputColumnName"/> (default: the output name; Single or a known-size Single
    /// vector) by its observed range: with <paramref name="fixZero"/>, x / max(|min|, |max|); otherwise (x - min) / (max - min).
    /// See <see cref="NormalizingEstimator"/>.
    /// </summary>
    public NormalizingEstimator NormalizeMinMax(string outputColumnName, string? inputColumnName = null, long maximumExampleCount = DefaultMaximumExampleCount, bool fixZero = true) =>
        new(NormalizerMode.MinMax, outputColumnName, inputColumnName, maximumExampleCount, fixZero, useCdf: false);

    /// <summary>
    /// Scales each slot of <paramref name="inputColumnName"/> by its mean and (population) variance: with
    /// <paramref name="fixZero"/>, x / sqrt(variance + mean²); otherwise (x - mean) / stddev; with <paramref name="useCdf"/>,
    /// the normal CDF of (x - mean) / stddev. See <see cref="NormalizingEstimator"/>.
    /// </summary>
    public NormalizingEstimator NormalizeMeanVariance(string outputColumnName, string? inputColumnName = null, long maximumExampleCount = DefaultMaximumExampleCount, bool fixZero = true, bool useCdf = false) =>
        new(NormalizerMode.MeanVariance, outputColumnName, inputColumnName, maximumExampleCount, fixZero, useCdf);

    /// <summary>Concatenates Single and known-size Single vector columns, in order, into one vector column.</summary>
    public ColumnConcatenatingEstimator Concatenate(string outputColumnName, params string[] inputColumnNames) => new(outputColumnName, inputColumnNames);

    /// <summary>Copies <paramref name="inputColumnName"/> to <paramref name="outputColumnName"/>.</summary>
    public ColumnCopyingEstimator CopyColumns(string outputColumnName, string inputColumnName) => new(outputColumnName, inputColumnName);

    /// <summary>Removes the named columns.</summary>
    public ColumnSelectingEstimator DropColumns(params string[] columnNames) => new(columnNames);

    /// <summary>
    /// Decodes the image files named by <paramref name="inputColumnName"/> (default: the output name; a String column),
    /// relative paths under <paramref name="imageFolder"/> (null: as given), into an image column. See <see cref="ImageLoadingTransformer"/>.
    /// </summary>
    public ImageLoadingEstimator LoadImages(string outputColumnName, string? imageFolder, string? inputColumnName = null) =>
        new(outputColumnName, imageFolder, inputColumnName ?? outputColumnName);

    /// <summary>Stretches every image to <paramref name="imageWidth"/> x <paramref name="imageHeight"/>. See <see cref="ImageResizingTransformer"/>.</summary>
    public ImageResizingEstimator ResizeImages(string outputColumnName, int imageWidth, int imageHeight, string? inputColumnName = null) =>
        new(outputColumnName, imageWidth, imageHeight, inputColumnName ?? outputColumnName);

    /// <summary>Converts images to one grey channel. See <see cref="ImageGrayscalingTransformer"/>.</summary>
    public ImageGrayscalingEstimator ConvertToGrayscale(string outputColumnName, string? inputColumnName = null) =>
        new(outputColumnName, inputColumnName ?? outputColumnName);

    /// <summary>
    /// Turns known-size images into Single vectors, (pixel - <paramref name="offsetImage"/>) × <paramref name="scaleImage"/>:
    /// by default pixel / 255 in [0, 1] like every loader (ML.NET's default scale is 1, giving 0-255). See <see cref="ImagePixelExtractingTransformer"/>.
    /// </summary>
    public ImagePixelExtractingEstimator ExtractPixels(string outputColumnName, string? inputColumnName = null, bool interleavePixelColors = false, float offsetImage = 0, float scaleImage = DefaultPixelScale) =>
        new(outputColumnName, inputColumnName ?? outputColumnName, interleavePixelColors, offsetImage, scaleImage);
}
