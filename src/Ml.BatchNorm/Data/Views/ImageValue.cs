using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// A decoded image, the value of an <see cref="ImageDataViewType"/> column (ML.NET's MLImage): 8-bit pixels, row-major,
/// channels interleaved in OpenCV's order (blue, green, red) or one grey channel. Immutable; transforms make new ones.
/// </summary>
public sealed class ImageValue
{
    private readonly byte[] _pixels;

    /// <summary>Wraps <paramref name="pixels"/> (not a copy; do not change it afterwards).</summary>
    /// <param name="pixels">height × width × channels bytes.</param>
    /// <param name="height">Height in pixels.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="channels">1 (grey) or 3 (blue, green, red).</param>
    /// <exception cref="ArgumentException">The sizes do not match or are not positive.</exception>
    public ImageValue(byte[] pixels, int height, int width, int channels)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (channels is not (1 or 3) || (long)height * width * channels != pixels.Length)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An image of {height}x{width} with {channels} channels (1 or 3) needs {(long)height * width * channels} bytes; got {pixels.Length}."), nameof(pixels));
        }

        _pixels = pixels;
        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width in pixels.</summary>
    public int Width { get; }

    /// <summary>1 (grey) or 3 (blue, green, red, interleaved).</summary>
    public int Channels { get; }

    /// <summary>The pixels, row-major with channels interleaved.</summary>
    public ReadOnlySpan<byte> GetPixels() => _pixels;

    /// <summary>The array itself, for the bridge.</summary>
    internal byte[] Pixels => _pixels;

    /// <summary>"28x28, 1 channel".</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Height}x{Width}, {Channels} channel{(Channels == 1 ? "" : "s")}");
}
