namespace Ml.BatchNorm.Data;

/// <summary>
/// A folder with MNIST's four IDX files (train-images-idx3-ubyte, train-labels-idx1-ubyte,
/// t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte), each optionally gzipped (.gz), also spelled with
/// a dot before idx (train-images.idx3-ubyte). Label names come from the caller, else a labels.txt
/// beside the files, else Fashion-MNIST's names for the default folder, else the label values.
/// </summary>
public sealed class IdxDataFolder
{
    /// <summary>Where Debian's dataset-fashion-mnist package installs Fashion-MNIST: the default data.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>Fashion-MNIST's ten documented class names.</summary>
    public static IReadOnlyList<string> FashionMnistLabelNames { get; } =
        ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"];

    private readonly IReadOnlyList<string>? _labelNames;

    private IdxDataFolder(string folder, IReadOnlyList<string>? labelNames)
    {
        Folder = folder;
        _labelNames = labelNames;
    }

    /// <summary>The folder.</summary>
    public string Folder { get; }

    /// <summary>Label names in effect, or null when they are the label values.</summary>
    public IReadOnlyList<string> LabelNames => _labelNames ?? LoadTrainLabelsOnlyNames();

    /// <summary>Opens a folder; the four files must be there.</summary>
    public static IdxDataFolder Open(string folder, IReadOnlyList<string>? labelNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        string full = Path.GetFullPath(folder);
        if (!Directory.Exists(full))
        {
            throw new DirectoryNotFoundException($"{full}: the data folder does not exist (pass a folder holding the four IDX files with --data).");
        }

        foreach (var stem in new[] { "train-images", "train-labels", "t10k-images", "t10k-labels" })
        {
            _ = Find(full, stem);
        }

        var names = labelNames;
        string labelsTxt = Path.Combine(full, "labels.txt");
        if (names is null && File.Exists(labelsTxt))
        {
            var lines = File.ReadAllLines(labelsTxt).Select(l => l.Trim()).ToList();
            while (lines.Count > 0 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            if (lines.Count == 0 || lines.Any(l => l.Length == 0))
            {
                throw new InvalidDataException($"{labelsTxt}: expected one non-empty label name per line.");
            }

            names = lines;
        }

        if (names is null && string.Equals(full.TrimEnd('/'), DefaultFolder, StringComparison.Ordinal))
        {
            names = FashionMnistLabelNames;
        }

        return new IdxDataFolder(full, names);
    }

    /// <summary>Loads the training images and labels.</summary>
    public ImageDataset LoadTrain() => IdxImageLoader.Load(Find(Folder, "train-images"), Find(Folder, "train-labels"), _labelNames);

    /// <summary>Loads the test images and labels.</summary>
    public ImageDataset LoadTest()
    {
        var test = IdxImageLoader.Load(Find(Folder, "t10k-images"), Find(Folder, "t10k-labels"), _labelNames ?? LoadTrainLabelsOnlyNames());
        return test;
    }

    // Without names, classes are the label values seen in the training labels (the test split may lack some).
    private IReadOnlyList<string> LoadTrainLabelsOnlyNames()
    {
        var labels = IdxImageLoader.ReadLabels(Find(Folder, "train-labels"));
        int classes = labels.Length == 0 ? 1 : labels.Max() + 1;
        return Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    private static string Find(string folder, string stem)
    {
        string kind = stem.EndsWith("images", StringComparison.Ordinal) ? "idx3-ubyte" : "idx1-ubyte";
        var candidates = new[] { $"{stem}-{kind}", $"{stem}-{kind}.gz", $"{stem}.{kind}", $"{stem}.{kind}.gz" };
        foreach (var name in candidates)
        {
            string path = Path.Combine(folder, name);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException($"{folder}: none of {string.Join(", ", candidates)} exists (a data folder needs the four IDX files; pass another folder with --data).");
    }
}
