namespace Ml.BatchNorm.Data;

/// <summary>
/// Grey images with labels, held in memory as bytes (a quarter of the float size) and converted to
/// floats in [0, 1] (pixel / 255) as rows are copied out.
/// </summary>
public sealed class ImageDataset
{
    private static readonly float[] ByteToUnit = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();
    private readonly byte[] _pixels;
    private readonly byte[] _labels;
    private readonly int[]? _rows; // a view over a subset of rows; null means all rows in order

    private ImageDataset(byte[] pixels, byte[] labels, int[]? rows, int height, int width, IReadOnlyList<string> labelNames, string source)
    {
        _pixels = pixels;
        _labels = labels;
        _rows = rows;
        Height = height;
        Width = width;
        LabelNames = labelNames;
        Source = source;
    }

    /// <summary>Number of images.</summary>
    public int Count => _rows?.Length ?? _labels.Length;

    /// <summary>Image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Height x width.</summary>
    public int PixelsPerImage => Height * Width;

    /// <summary>Class names, indexed by label value.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>Number of classes (the number of label names).</summary>
    public int ClassCount => LabelNames.Count;

    /// <summary>Where the data came from, for messages (usually the image file's path).</summary>
    public string Source { get; }

    /// <summary>Creates a dataset from raw row-major pixel bytes and one label byte per image.</summary>
    public static ImageDataset FromBytes(byte[] pixels, byte[] labels, int height, int width, IReadOnlyList<string> labelNames, string source)
    {
        ArgumentNullException.ThrowIfNull(pixels);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(labelNames);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.LongLength != (long)labels.Length * height * width)
        {
            throw new ArgumentException($"{source}: {pixels.LongLength} pixel bytes do not make {labels.Length} images of {height}x{width}.", nameof(pixels));
        }

        if (labelNames.Count == 0 || labelNames.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException($"{source}: label names must be non-empty.", nameof(labelNames));
        }

        for (int i = 0; i < labels.Length; i++)
        {
            if (labels[i] >= labelNames.Count)
            {
                throw new ArgumentException($"{source}: label {labels[i]} of image {i} has no name ({labelNames.Count} label names).", nameof(labels));
            }
        }

        return new ImageDataset(pixels, labels, null, height, width, labelNames.ToArray(), source);
    }

    /// <summary>The label of image <paramref name="index"/>.</summary>
    public int GetLabel(int index) => _labels[Row(index)];

    /// <summary>The raw pixel bytes of image <paramref name="index"/>.</summary>
    public ReadOnlySpan<byte> GetPixelBytes(int index) => _pixels.AsSpan(Row(index) * PixelsPerImage, PixelsPerImage);

    /// <summary>Writes image <paramref name="index"/> as <see cref="PixelsPerImage"/> floats, pixel / 255, row-major.</summary>
    public void CopyImage(int index, Span<float> destination)
    {
        var source = GetPixelBytes(index);
        if (destination.Length < source.Length)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats; an image has {source.Length}.", nameof(destination));
        }

        var table = ByteToUnit;
        for (int i = 0; i < source.Length; i++)
        {
            destination[i] = table[source[i]];
        }
    }

    /// <summary>The first <paramref name="count"/> images.</summary>
    public ImageDataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Select(Enumerable.Range(0, Math.Min(count, Count)).ToArray());
    }

    /// <summary>The images at <paramref name="indices"/>, in that order.</summary>
    public ImageDataset Select(IReadOnlyList<int> indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var rows = new int[indices.Count];
        for (int i = 0; i < rows.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), indices[i], $"index out of range for {Count} images.");
            }

            rows[i] = Row(indices[i]);
        }

        return new ImageDataset(_pixels, _labels, rows, Height, Width, LabelNames, Source);
    }

    /// <summary>The images whose label satisfies <paramref name="keep"/> (labels and names unchanged).</summary>
    public ImageDataset WhereLabel(Func<int, bool> keep)
    {
        ArgumentNullException.ThrowIfNull(keep);
        return Select(Enumerable.Range(0, Count).Where(i => keep(GetLabel(i))).ToArray());
    }

    private int Row(int index)
    {
        if ((uint)index >= (uint)Count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), index, $"{Source} has {Count} images.");
        }

        return _rows?[index] ?? index;
    }
}
