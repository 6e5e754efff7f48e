using SkiaSharp;

namespace Ml.BatchNorm.Data;

/// <summary>
/// PNG/JPEG/BMP image files as grey floats (pixel / 255, the rule of <see cref="PixelScaling"/>, so a PNG
/// written losslessly from IDX bytes gives exactly the IDX row's floats). Reading goes through ML.NET's
/// ImageAnalytics (<see cref="ImageFeaturesCatalog.LoadGrayscaleImageFeatures"/>); <see cref="WriteGray"/>
/// encodes with SkiaSharp, the decoder underneath it.
/// </summary>
public static class ImageFiles
{
    /// <summary>The file extensions treated as image files (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions => ImageFeaturesCatalog.ImageFileExtensions;

    /// <summary>Whether <paramref name="path"/> has one of <see cref="Extensions"/>.</summary>
    /// <param name="path">A file path.</param>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>
    /// Writes row-major grey bytes as a one-channel image file through SkiaSharp (the decoder under ML.NET's
    /// ImageAnalytics): PNG, lossless, for a <c>.png</c> path; JPEG at quality 100 for <c>.jpg</c>/<c>.jpeg</c>.
    /// </summary>
    /// <param name="path">The file to write.</param>
    /// <param name="pixels">height * width grey levels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="width">Width in pixels.</param>
    /// <exception cref="ArgumentException">The extension is not .png, .jpg or .jpeg, or <paramref name="pixels"/> is not height * width bytes.</exception>
    public static void WriteGray(string path, ReadOnlySpan<byte> pixels, int height, int width)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.Length != height * width)
        {
            throw new ArgumentException($"pixels holds {pixels.Length} bytes; a {height}x{width} image needs {height * width}.", nameof(pixels));
        }

        var format = Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".png" => SKEncodedImageFormat.Png,
            ".jpg" or ".jpeg" => SKEncodedImageFormat.Jpeg,
            _ => throw new ArgumentException($"{path}: cannot write '{Path.GetExtension(path)}' files; expected .png, .jpg or .jpeg.", nameof(path)),
        };

        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Gray8, SKAlphaType.Opaque));
        unsafe
        {
            byte* start = (byte*)bitmap.GetPixels();
            for (int y = 0; y < height; y++)
            {
                pixels.Slice(y * width, width).CopyTo(new Span<byte>(start + y * bitmap.RowBytes, width));
            }
        }

        using var encoded = bitmap.Encode(format, 100)
            ?? throw new InvalidOperationException($"{path}: SkiaSharp could not encode a {height}x{width} grey image as {format}.");
        using var file = File.Create(path);
        encoded.SaveTo(file);
    }
}
