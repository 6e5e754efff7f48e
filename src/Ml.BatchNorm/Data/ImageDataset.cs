using System.Collections.ObjectModel;
using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// An in-memory set of grey images of one size, each with a class label.
/// Pixels are kept as the raw bytes of the source (a quarter of the memory of floats) and converted
/// to floats in [0, 1] (pixel / 255, row-major) as they are copied out.
/// </summary>
public sealed class ImageDataset
{
    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly ReadOnlyCollection<string> _labelNames;

    private ImageDataset(byte[] pixels, byte[] labels, int height, int width, ReadOnlyCollection<string> labelNames, string source)
    {
        _pixels = pixels;
        _labels = labels;
        Height = height;
        Width = width;
        _labelNames = labelNames;
        Source = source;
    }

    /// <summary>The number of images.</summary>
    public int Count => _labels.Length;

    /// <summary>The height of every image, in pixels.</summary>
    public int Height { get; }

    /// <summary>The width of every image, in pixels.</summary>
    public int Width { get; }

    /// <summary>The number of pixels in one image: <see cref="Height"/> × <see cref="Width"/>.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>The number of classes, equal to the number of <see cref="LabelNames"/>; every label is below it.</summary>
    public int ClassCount => LabelNames.Count;

    /// <summary>The name of each class, indexed by label value.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames;

    /// <summary>Where the images came from (typically a file path), for messages.</summary>
    public string Source { get; }

    /// <summary>All pixels as raw bytes: <see cref="Count"/> images of <see cref="PixelsPerImage"/> bytes, each row-major.</summary>
    public ReadOnlySpan<byte> PixelBytes => _pixels;

    /// <summary>One label per image, each in [0, <see cref="ClassCount"/>).</summary>
    public ReadOnlySpan<byte> Labels => _labels;

    /// <summary>The label of image <paramref name="index"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="Count"/>).</exception>
    public int GetLabel(int index)
    {
        CheckIndex(index, nameof(index));
        return _labels[index];
    }

    /// <summary>
    /// Writes image <paramref name="index"/> to the first <see cref="PixelsPerImage"/> elements of
    /// <paramref name="destination"/> as floats pixel / 255 in [0, 1], row-major.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="index"/> is not in [0, <see cref="Count"/>).</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than <see cref="PixelsPerImage"/>.</exception>
    public void CopyImage(int index, Span<float> destination)
    {
        CheckIndex(index, nameof(index));
        int pixels = PixelsPerImage;
        if (destination.Length < pixels)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} floats but an image of {Source} has {pixels} pixels ({Height}x{Width}).",
                nameof(destination));
        }

        PixelScaling.ToUnitFloats(_pixels.AsSpan(index * pixels, pixels), destination);
    }

    /// <summary>Creates a dataset from copies of the given pixel and label bytes.</summary>
    /// <param name="pixels">Raw grey levels of every image, row-major, <c>labels.Length × height × width</c> bytes.</param>
    /// <param name="labels">One label per image, each below <c>labelNames.Count</c>.</param>
    /// <param name="height">Image height in pixels; positive.</param>
    /// <param name="width">Image width in pixels; positive.</param>
    /// <param name="labelNames">The name of each class, indexed by label value; non-empty names.</param>
    /// <param name="source">A description of where the data came from, for messages.</param>
    /// <exception cref="ArgumentException">The arguments are inconsistent; the message names the parameter.</exception>
    public static ImageDataset FromBytes(byte[] pixels, byte[] labels, int height, int width, IReadOnlyList<string> labelNames, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentException.ThrowIfNullOrWhiteSpace(source);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);

        long expectedPixels = (long)labels.Length * height * width;
        if (pixels.LongLength != expectedPixels)
        {
            throw new ArgumentException(
                $"pixels holds {pixels.LongLength} bytes but {labels.Length} labels of {height}x{width} images need {expectedPixels}.",
                nameof(pixels));
        }

        var names = CheckLabelNames(labelNames, nameof(labelNames));
        int outOfRange = IndexOfLabelOutOfRange(labels, names.Count);
        if (outOfRange >= 0)
        {
            throw new ArgumentException(
                $"labels[{outOfRange}] is {labels[outOfRange]} but there are only {names.Count} label names (expected 0..{names.Count - 1}).",
                nameof(labels));
        }

        return new ImageDataset((byte[])pixels.Clone(), (byte[])labels.Clone(), height, width, names, source);
    }

    /// <summary>Adopts already-validated arrays without copying them; for loaders that own freshly read buffers.</summary>
    internal static ImageDataset Adopt(byte[] pixels, byte[] labels, int height, int width, ReadOnlyCollection<string> labelNames, string source) =>
        new(pixels, labels, height, width, labelNames, source);

    /// <summary>A dataset of the first <paramref name="count"/> images.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not in [0, <see cref="Count"/>].</exception>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count);
        return new ImageDataset(
            _pixels.AsSpan(0, count * PixelsPerImage).ToArray(),
            _labels.AsSpan(0, count).ToArray(),
            Height,
            Width,
            _labelNames,
            string.Create(CultureInfo.InvariantCulture, $"{Source} (first {count})"));
    }

    /// <summary>A dataset of the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is not in [0, <see cref="Count"/>).</exception>
    public ImageDataset Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Gather(indices, string.Create(CultureInfo.InvariantCulture, $"{Source} ({indices.Count} selected)"));
    }

    /// <summary>
    /// A dataset of the images whose label satisfies <paramref name="keep"/>, in their original order.
    /// Labels keep their values and names, so <see cref="ClassCount"/> is unchanged.
    /// </summary>
    public ImageDataset WhereLabel(Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        var indices = new List<int>();
        for (int i = 0; i < _labels.Length; i++)
        {
            if (keep(_labels[i]))
            {
                indices.Add(i);
            }
        }

        return Gather(indices, string.Create(CultureInfo.InvariantCulture, $"{Source} ({indices.Count} with selected labels)"));
    }

    /// <summary>Checks label names for a dataset and returns an immutable copy.</summary>
    internal static ReadOnlyCollection<string> CheckLabelNames(IReadOnlyList<string> labelNames, string parameterName)
    {
        if (labelNames.Count == 0)
        {
            throw new ArgumentException("At least one label name is required.", parameterName);
        }

        var copy = new string[labelNames.Count];
        for (int i = 0; i < copy.Length; i++)
        {
            string? name = labelNames[i];
            if (string.IsNullOrWhiteSpace(name))
            {
                throw new ArgumentException($"Label name {i} is empty; every class needs a name.", parameterName);
            }

            copy[i] = name;
        }

        return Array.AsReadOnly(copy);
    }

    /// <summary>The first index whose label is not below <paramref name="classCount"/>, or -1.</summary>
    internal static int IndexOfLabelOutOfRange(ReadOnlySpan<byte> labels, int classCount) =>
        classCount > byte.MaxValue ? -1 : labels.IndexOfAnyExceptInRange((byte)0, (byte)(classCount - 1));

    /// <summary>The names "0", "1", … "<paramref name="classCount"/> - 1", for data without class names.</summary>
    internal static ReadOnlyCollection<string> NumberedLabelNames(int classCount) =>
        Array.AsReadOnly(Enumerable.Range(0, classCount).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray());

    private ImageDataset Gather(IReadOnlyList<int> indices, string source)
    {
        int pixelsPerImage = PixelsPerImage;
        var pixels = GC.AllocateUninitializedArray<byte>(indices.Count * pixelsPerImage);
        var labels = new byte[indices.Count];
        for (int i = 0; i < indices.Count; i++)
        {
            int index = indices[i];
            CheckIndex(index, nameof(indices));
            _pixels.AsSpan(index * pixelsPerImage, pixelsPerImage).CopyTo(pixels.AsSpan(i * pixelsPerImage));
            labels[i] = _labels[index];
        }

        return new ImageDataset(pixels, labels, Height, Width, _labelNames, source);
    }

    private void CheckIndex(int index, string parameterName)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(
                parameterName,
                index,
                $"Image index {index} is outside {Source}, which holds {Count} images.");
        }
    }
}
