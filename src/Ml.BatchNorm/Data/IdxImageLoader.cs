using System.Buffers.Binary;
using System.IO.Compression;

namespace Ml.BatchNorm.Data;

/// <summary>Reads MNIST's IDX files, raw or gzipped, validating magic numbers, dimensions, lengths and counts.</summary>
public static class IdxImageLoader
{
    private const int ImagesMagic = 0x00000803;
    private const int LabelsMagic = 0x00000801;

    /// <summary>Loads images and labels; label names default to the label values ("0", "1", …).</summary>
    public static ImageDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? labelNames = null)
    {
        var (pixels, count, height, width) = ReadImages(imagesPath);
        var labels = ReadLabels(labelsPath);
        if (labels.Length != count)
        {
            throw new InvalidDataException($"{imagesPath} holds {count} images but {labelsPath} holds {labels.Length} labels; they must match.");
        }

        int classes = labels.Length == 0 ? 1 : labels.Max() + 1;
        if (labelNames is not null && labelNames.Count < classes)
        {
            throw new InvalidDataException($"{labelsPath} has label value {classes - 1}, but only {labelNames.Count} label names were given.");
        }

        var names = labelNames ?? Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return ImageDataset.FromBytes(pixels, labels, height, width, names, imagesPath);
    }

    /// <summary>Loads images with optional labels (label 0 for every image when there is no label file).</summary>
    public static ImageDataset LoadImagesOnly(string imagesPath, string? labelsPath = null, IReadOnlyList<string>? labelNames = null)
    {
        if (labelsPath is not null)
        {
            return Load(imagesPath, labelsPath, labelNames);
        }

        var (pixels, count, height, width) = ReadImages(imagesPath);
        return ImageDataset.FromBytes(pixels, new byte[count], height, width, labelNames ?? ["0"], imagesPath);
    }

    internal static (byte[] Pixels, int Count, int Height, int Width) ReadImages(string path)
    {
        byte[] bytes = ReadAll(path);
        int[] dims = Header(bytes, path, ImagesMagic, rank: 3, "an IDX image file (unsigned bytes, 3 dimensions)");
        long expected = 16 + ((long)dims[0] * dims[1] * dims[2]);
        CheckLength(bytes, expected, path);
        return (bytes.AsSpan(16).ToArray(), dims[0], dims[1], dims[2]);
    }

    internal static byte[] ReadLabels(string path)
    {
        byte[] bytes = ReadAll(path);
        int[] dims = Header(bytes, path, LabelsMagic, rank: 1, "an IDX label file (unsigned bytes, 1 dimension)");
        CheckLength(bytes, 8L + dims[0], path);
        return bytes.AsSpan(8).ToArray();
    }

    private static byte[] ReadAll(string path)
    {
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path}: the file does not exist.", path);
        }

        byte[] raw = File.ReadAllBytes(path);
        if (raw.Length < 2 || raw[0] != 0x1f || raw[1] != 0x8b)
        {
            return raw;
        }

        try
        {
            using var gzip = new GZipStream(new MemoryStream(raw), CompressionMode.Decompress);
            using var output = new MemoryStream(raw.Length * 4);
            gzip.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{path}: the gzip stream is truncated or corrupted ({e.Message}).", e);
        }
    }

    private static int[] Header(byte[] bytes, string path, int magic, int rank, string what)
    {
        if (bytes.Length < 4 + (4 * rank))
        {
            throw new InvalidDataException($"{path}: {bytes.Length} bytes is too short for {what}.");
        }

        int found = BinaryPrimitives.ReadInt32BigEndian(bytes);
        if (found != magic)
        {
            throw new InvalidDataException($"{path}: magic number 0x{found:x8} is not {what} (expected 0x{magic:x8}).");
        }

        var dims = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            dims[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + (4 * i)));
            if (dims[i] < 0 || (i > 0 && dims[i] == 0))
            {
                throw new InvalidDataException($"{path}: dimension {i} is {dims[i]}; dimensions must be positive.");
            }
        }

        return dims;
    }

    private static void CheckLength(byte[] bytes, long expected, string path)
    {
        if (bytes.Length < expected)
        {
            throw new InvalidDataException($"{path}: truncated: {bytes.Length} bytes where the header announces {expected}.");
        }

        if (bytes.Length > expected)
        {
            throw new InvalidDataException($"{path}: {bytes.Length - expected} unexpected bytes after the {expected} the header announces.");
        }
    }
}
