namespace Ml.BatchNorm.Interop;

/// <summary>
/// Decodes PNG/JPEG/BMP files to grey floats (pixel / 255, the same rule as <see cref="Data.PixelScaling"/>)
/// and writes grey PNG files, through OpenCV in the native bridge. Colour files are converted to grey
/// by OpenCV's IMREAD_GRAYSCALE, whose weighting may differ from ML.NET's ConvertToGrayscale.
/// </summary>
internal static class ImageFileDecoder
{
    /// <summary>
    /// Reads <paramref name="path"/> as grey, resized to <paramref name="height"/> x <paramref name="width"/>
    /// when its size differs, into the first height * width floats of <paramref name="destination"/>.
    /// </summary>
    /// <returns>The file's own height and width.</returns>
    /// <exception cref="NativeException">The file is missing or cannot be decoded; the message names it.</exception>
    public static unsafe (int Height, int Width) ReadGray(string path, int height, int width, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (destination.Length < height * width)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats but {height}x{width} are needed.", nameof(destination));
        }

        fixed (float* output = destination)
        {
            NativeMethods.ImageReadGray(path, height, width, output, out int originalHeight, out int originalWidth).ThrowIfFailed();
            return (originalHeight, originalWidth);
        }
    }

    /// <summary>Writes row-major grey bytes losslessly as a PNG file.</summary>
    public static unsafe void WriteGrayPng(string path, ReadOnlySpan<byte> pixels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.Length < height * width)
        {
            throw new ArgumentException($"pixels holds {pixels.Length} bytes but {height}x{width} are needed.", nameof(pixels));
        }

        fixed (byte* source = pixels)
        {
            NativeMethods.ImageWriteGrayPng(path, source, height, width).ThrowIfFailed();
        }
    }
}
