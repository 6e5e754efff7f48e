using System.Collections.ObjectModel;

namespace Ml.BatchNorm.Data;

/// <summary>Loads MNIST-style image and label files in the IDX format, raw or gzip-compressed.</summary>
public static class IdxImageLoader
{
    private const int ImageRank = 3;
    private const int LabelRank = 1;

    /// <summary>
    /// Reads an IDX image file (magic 0x00000803: count × height × width unsigned bytes) and its IDX label
    /// file (magic 0x00000801: count unsigned bytes). Gzip compression is detected from the content.
    /// </summary>
    /// <param name="imagesPath">The image file, e.g. <c>train-images-idx3-ubyte.gz</c>.</param>
    /// <param name="labelsPath">The label file, e.g. <c>train-labels-idx1-ubyte.gz</c>.</param>
    /// <param name="labelNames">
    /// The name of each class, indexed by label value; every label must be below its count.
    /// When null, the classes are named by their values, "0" up to the largest label present.
    /// </param>
    /// <returns>The images with pixels as loaded; <see cref="ImageDataset.CopyImage"/> scales them to [0, 1].</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file of the expected shape, or the two files disagree.</exception>
    /// <exception cref="ArgumentException"><paramref name="labelNames"/> is empty or holds an empty name.</exception>
    public static ImageDataset Load(string imagesPath, string labelsPath, IReadOnlyList<string>? labelNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(imagesPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelsPath);
        var names = labelNames is null ? null : ImageDataset.CheckLabelNames(labelNames, nameof(labelNames));
        return Load(imagesPath, labelsPath, names, "the given label names");
    }

    /// <summary>
    /// Loads the pair of files with already-checked names; <paramref name="namesSource"/> says where the
    /// names came from, so an out-of-range label can be blamed on, say, a short labels.txt.
    /// </summary>
    internal static ImageDataset Load(string imagesPath, string labelsPath, ReadOnlyCollection<string>? labelNames, string namesSource)
    {
        var labels = ReadLabels(labelsPath);
        var images = IdxFile.Read(imagesPath, ImageRank, "image");

        int imageCount = images.Dimensions[0];
        if (imageCount != labels.Data.Length)
        {
            throw new InvalidDataException(
                $"{images.Path} holds {imageCount} images but {labels.Path} holds {labels.Data.Length} labels; expected one label per image.");
        }

        labelNames ??= ImageDataset.NumberedLabelNames(MaxLabel(labels.Data) + 1);
        CheckLabelsInRange(labels, labelNames.Count, namesSource);
        return ImageDataset.Adopt(images.Data, labels.Data, images.Dimensions[1], images.Dimensions[2], labelNames, images.Path);
    }

    /// <summary>
    /// Reads images to score: with a label file as <see cref="Load(string, string, IReadOnlyList{string}?)"/>,
    /// without one every image gets label 0 (named by <paramref name="labelNames"/> or "0").
    /// </summary>
    public static ImageDataset LoadImagesOnly(string imagesPath, string? labelsPath = null, IReadOnlyList<string>? labelNames = null)
    {
        if (labelsPath is not null)
        {
            return Load(imagesPath, labelsPath, labelNames);
        }

        ArgumentException.ThrowIfNullOrWhiteSpace(imagesPath);
        var images = IdxFile.Read(imagesPath, ImageRank, "image");
        var names = labelNames is null ? ImageDataset.NumberedLabelNames(1) : ImageDataset.CheckLabelNames(labelNames, nameof(labelNames));
        return ImageDataset.Adopt(images.Data, new byte[images.Dimensions[0]], images.Dimensions[1], images.Dimensions[2], names, images.Path);
    }

    /// <summary>Reads an IDX label file (rank 1, unsigned bytes).</summary>
    internal static IdxFile ReadLabels(string labelsPath) => IdxFile.Read(labelsPath, LabelRank, "label");

    /// <summary>The largest label value in <paramref name="labels"/>.</summary>
    internal static int MaxLabel(ReadOnlySpan<byte> labels)
    {
        int max = 0;
        foreach (byte label in labels)
        {
            max = Math.Max(max, label);
        }

        return max;
    }

    /// <summary>Throws, naming the label file, if a label is not below <paramref name="classCount"/>.</summary>
    internal static void CheckLabelsInRange(IdxFile labels, int classCount, string namesSource)
    {
        int index = ImageDataset.IndexOfLabelOutOfRange(labels.Data, classCount);
        if (index >= 0)
        {
            throw new InvalidDataException(
                $"{labels.Path}: label {labels.Data[index]} at index {index} has no name: {namesSource} cover {classCount} classes " +
                $"(expected labels 0..{classCount - 1}).");
        }
    }
}
