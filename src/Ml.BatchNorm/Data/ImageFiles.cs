

namespace Ml.BatchNorm.Data;

/// <summary>
/// PNG/JPEG/BMP image files as grey floats (pixel / 255, the rule of <see cref="PixelScaling"/>, so a PNG
/// written losslessly from IDX bytes gives exactly the IDX row's floats). Decoding is OpenCV's; colour
/// files become grey through OpenCV's weighting, which may differ from ML.NET's ConvertToGrayscale.
/// </summary>
public static class ImageFiles
{
    /// <summary>The file extensions treated as image files (lower case, with the dot).</summary>
    public static IReadOnlyList<string> Extensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>Whether <paramref name="path"/> has one of <see cref="Extensions"/>.</summary>
    /// <param name="path">A file path.</param>
    public static bool HasImageExtension(string path) =>
        Extensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>Reads a file as grey floats, resized to <paramref name="height"/> x <paramref name="width"/> when its size differs.</summary>
    /// <param name="path">The image file.</param>
    /// <param name="height">Output height in pixels.</param>
    /// <param name="width">Output width in pixels.</param>
    /// <param name="destination">Receives height * width floats, row-major.</param>
    /// <returns>The file's own height and width.</returns>
    /// <exception cref="InvalidDataException">The file is missing or cannot be decoded; the message names it.</exception>
    public static (int Height, int Width) ReadGray(string path, int height, int width, Span<float> destination) =>
        ImageFileDecoder.ReadGray(path, height, width, destination);

    /// <summary>Writes row-major grey bytes as an image file whose format follows the extension (PNG is lossless).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="pixels">height * width grey levels.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="width">Width in pixels.</param>
    public static void WriteGray(string path, ReadOnlySpan<byte> pixels, int height, int width) =>
        ImageFileDecoder.WriteGrayPng(path, pixels, height, width);
}
