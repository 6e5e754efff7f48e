using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// The column type of decoded images, held as <see cref="ImageValue"/> (ML.NET's ImageDataViewType). The size is known
/// after ResizeImages (0 x 0 means it varies from row to row, as after LoadImages). Unlike ML.NET's, the type also
/// records the channel count (3 after LoadImages, 1 after ConvertToGrayscale), which fixes ExtractPixels' vector size.
/// </summary>
public sealed class ImageDataViewType : DataViewType
{
    /// <summary>Creates an image type.</summary>
    /// <param name="height">Height in pixels, or 0 when it varies.</param>
    /// <param name="width">Width in pixels, or 0 when it varies.</param>
    /// <param name="channels">1 (grey) or 3 (colour).</param>
    /// <exception cref="ArgumentException">One size is 0 and the other not, a size is negative, or channels is not 1 or 3.</exception>
    public ImageDataViewType(int height = 0, int width = 0, int channels = 3)
        : base(typeof(ImageValue))
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height);
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        if ((height == 0) != (width == 0) || channels is not (1 or 3))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"An image type needs both sizes known or both 0, and 1 or 3 channels; got {height}x{width}, {channels} channels."), nameof(height));
        }

        Height = height;
        Width = width;
        Channels = channels;
    }

    /// <summary>Height in pixels, or 0 when it varies.</summary>
    public int Height { get; }

    /// <summary>Width in pixels, or 0 when it varies.</summary>
    public int Width { get; }

    /// <summary>1 (grey) or 3 (colour).</summary>
    public int Channels { get; }

    /// <summary>Whether every image has <see cref="Height"/> x <see cref="Width"/> pixels.</summary>
    public bool IsKnownSize => Height > 0;

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) =>
        other is ImageDataViewType image && image.Height == Height && image.Width == Width && image.Channels == Channels;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(ImageDataViewType), Height, Width, Channels);

    /// <summary>"Image&lt;28x28, 1 channel&gt;", or "Image&lt;3 channels&gt;" when the size varies.</summary>
    public override string ToString()
    {
        string channels = Channels == 1 ? "1 channel" : $"{Channels} channels";
        return IsKnownSize ? string.Create(CultureInfo.InvariantCulture, $"Image<{Height}x{Width}, {channels}>") : $"Image<{channels}>";
    }
}
