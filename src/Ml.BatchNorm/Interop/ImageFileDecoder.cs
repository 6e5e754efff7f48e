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

    /// <summary>Decodes <paramref name="path"/> as 8-bit BGR (three interleaved channels, whatever the file holds).</summary>
    /// <exception cref="NativeException">The file is missing or cannot be decoded; the message names it.</exception>
    public static unsafe Data.ImageValue DecodeBgr(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        NativeMethods.ImageDecodeBgr(path, out byte* pixels, out int height, out int width).ThrowIfFailed();
        try
        {
            return new Data.ImageValue(new ReadOnlySpan<byte>(pixels, height * width * 3).ToArray(), height, width, 3);
        }
        finally
        {
            NativeMethods.ImageFree(pixels);
        }
    }

    /// <summary>
    /// <paramref name="image"/> resized to <paramref name="height"/> x <paramref name="width"/> by OpenCV (INTER_AREA when
    /// shrinking, INTER_LINEAR otherwise); the same image when its size already matches.
    /// </summary>
    public static unsafe Data.ImageValue Resize(Data.ImageValue image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (image.Height == height && image.Width == width)
        {
            return image;
        }

        var result = new byte[height * width * image.Channels];
        fixed (byte* source = image.Pixels, destination = result)
        {
            NativeMethods.ImageResize(source, image.Height, image.Width, image.Channels, destination, height, width).ThrowIfFailed();
        }

        return new Data.ImageValue(result, height, width, image.Channels);
    }

    /// <summary>A one-channel copy of a BGR image (OpenCV's COLOR_BGR2GRAY); a grey image is returned as is.</summary>
    public static unsafe Data.ImageValue ToGray(Data.ImageValue image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels == 1)
        {
            return image;
        }

        var result = new byte[image.Height * image.Width];
        fixed (byte* source = image.Pixels, destination = result)
        {
            NativeMethods.ImageBgrToGray(source, image.Height, image.Width, destination).ThrowIfFailed();
        }

        return new Data.ImageValue(result, image.Height, image.Width, 1);
    }
}
