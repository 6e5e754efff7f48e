using System.Collections.ObjectModel;

namespace Ml.BatchNorm.Data;

/// <summary>
/// A folder holding an MNIST-style dataset as the four standard IDX files
/// (<c>train-images-idx3-ubyte</c>, <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>,
/// <c>t10k-labels-idx1-ubyte</c>), each optionally gzip-compressed with a <c>.gz</c> suffix and optionally
/// spelled with a dot before <c>idx</c> (<c>train-images.idx3-ubyte</c>), as some mirrors do.
/// </summary>
public sealed class IdxDataFolder
{
    /// <summary>Where Fashion-MNIST is installed on the machines this library targets.</summary>
    public const string DefaultFolder = "/usr/share/datasets/fashion-mnist";

    private const string LabelsTextFileName = "labels.txt";
    private const string DataOptionHint = "pass the folder holding the MNIST IDX files with --data <folder>";

    private static readonly ReadOnlyCollection<string> FashionMnistNames = Array.AsReadOnly(new[]
    {
        "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
    });

    private readonly string _trainImagesPath;
    private readonly string _trainLabelsPath;
    private readonly string _testImagesPath;
    private readonly string _testLabelsPath;
    private readonly Lazy<ReadOnlyCollection<string>> _labelNames;
    private readonly string _labelNamesSource;

    private IdxDataFolder(string folder, string[] paths, Func<ReadOnlyCollection<string>> labelNames, string labelNamesSource)
    {
        Folder = folder;
        (_trainImagesPath, _trainLabelsPath, _testImagesPath, _testLabelsPath) = (paths[0], paths[1], paths[2], paths[3]);
        _labelNames = new Lazy<ReadOnlyCollection<string>>(labelNames);
        _labelNamesSource = labelNamesSource;
    }

    /// <summary>Fashion-MNIST's ten class names, as documented by Zalando Research, indexed by label value.</summary>
    public static IReadOnlyList<string> FashionMnistLabelNames => FashionMnistNames;

    /// <summary>The full path of the folder.</summary>
    public string Folder { get; }

    /// <summary>
    /// The name of each class, indexed by label value, shared by the training and test sets. When the names are
    /// the label values themselves, the first access reads both label files to find the largest label.
    /// </summary>
    public IReadOnlyList<string> LabelNames => _labelNames.Value;

    /// <summary>
    /// Finds the four IDX files in <paramref name="folder"/> and decides the label names, which come from, in order:
    /// <paramref name="labelNames"/>; a <c>labels.txt</c> beside the files (one name per line); Fashion-MNIST's
    /// names when <paramref name="folder"/> is <see cref="DefaultFolder"/>; otherwise the label values.
    /// The images are read only by <see cref="LoadTrain"/> and <see cref="LoadTest"/>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing; the message lists the accepted spellings.</exception>
    /// <exception cref="InvalidDataException"><c>labels.txt</c> is malformed.</exception>
    /// <exception cref="ArgumentException"><paramref name="labelNames"/> is empty or holds an empty name.</exception>
    public static IdxDataFolder Open(string folder, IReadOnlyList<string>? labelNames = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(folder);
        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"Data folder {folder} does not exist; {DataOptionHint}.");
        }

        string[] paths =
        [
            FindFile(folder, "train-images-idx3-ubyte"),
            FindFile(folder, "train-labels-idx1-ubyte"),
            FindFile(folder, "t10k-images-idx3-ubyte"),
            FindFile(folder, "t10k-labels-idx1-ubyte"),
        ];

        if (labelNames is not null)
        {
            var given = ImageDataset.CheckLabelNames(labelNames, nameof(labelNames));
            return new IdxDataFolder(folder, paths, () => given, "the given label names");
        }

        string labelsTextPath = Path.Combine(folder, LabelsTextFileName);
        if (File.Exists(labelsTextPath))
        {
            var fromFile = ReadLabelsText(labelsTextPath);
            return new IdxDataFolder(folder, paths, () => fromFile, $"the names in {labelsTextPath}");
        }

        if (string.Equals(folder, DefaultFolder, StringComparison.Ordinal))
        {
            return new IdxDataFolder(folder, paths, () => FashionMnistNames, "Fashion-MNIST's class names");
        }

        // Both sets must agree on ClassCount, so the numbering spans the largest label of either.
        return new IdxDataFolder(
            folder,
            paths,
            () => ImageDataset.NumberedLabelNames(1 + Math.Max(
                IdxImageLoader.MaxLabel(IdxImageLoader.ReadLabels(paths[1]).Data),
                IdxImageLoader.MaxLabel(IdxImageLoader.ReadLabels(paths[3]).Data))),
            "the label values");
    }

    /// <summary>Reads the training set (<c>train-*</c> files) from disk; every call reads the files afresh.</summary>
    /// <exception cref="InvalidDataException">A file is malformed, or a label has no name.</exception>
    public ImageDataset LoadTrain() => IdxImageLoader.Load(_trainImagesPath, _trainLabelsPath, _labelNames.Value, _labelNamesSource);

    /// <summary>Reads the test set (<c>t10k-*</c> files) from disk; every call reads the files afresh.</summary>
    /// <exception cref="InvalidDataException">A file is malformed, or a label has no name.</exception>
    public ImageDataset LoadTest() => IdxImageLoader.Load(_testImagesPath, _testLabelsPath, _labelNames.Value, _labelNamesSource);

    /// <summary>The training images file found in the folder.</summary>
    internal string TrainImagesPath => _trainImagesPath;

    /// <summary>The training labels file found in the folder.</summary>
    internal string TrainLabelsPath => _trainLabelsPath;

    /// <summary>The test images file found in the folder.</summary>
    internal string TestImagesPath => _testImagesPath;

    /// <summary>The test labels file found in the folder.</summary>
    internal string TestLabelsPath => _testLabelsPath;

    /// <summary>Where <see cref="LabelNames"/> came from, for messages blaming them.</summary>
    internal string LabelNamesSource => _labelNamesSource;

    /// <summary>The accepted spellings of a standard file name, in order of preference.</summary>
    internal static string[] AcceptedSpellings(string standardName)
    {
        string dotted = standardName.Replace("-idx", ".idx", StringComparison.Ordinal);
        return [standardName, standardName + ".gz", dotted, dotted + ".gz"];
    }

    private static string FindFile(string folder, string standardName)
    {
        string[] spellings = AcceptedSpellings(standardName);
        foreach (string spelling in spellings)
        {
            string path = Path.Combine(folder, spelling);
            if (File.Exists(path))
            {
                return path;
            }
        }

        throw new FileNotFoundException(
            $"Data folder {folder} has no {standardName}: looked for {string.Join(", ", spellings)}; {DataOptionHint}.",
            Path.Combine(folder, standardName));
    }

    private static ReadOnlyCollection<string> ReadLabelsText(string path)
    {
        string[] lines = File.ReadAllLines(path);
        int count = lines.Length;
        while (count > 0 && string.IsNullOrWhiteSpace(lines[count - 1]))
        {
            count--;
        }

        if (count == 0)
        {
            throw new InvalidDataException($"{path}: holds no class names; expected one name per line, for label 0 first.");
        }

        var names = new string[count];
        for (int i = 0; i < count; i++)
        {
            names[i] = lines[i].Trim();
            if (names[i].Length == 0)
            {
                throw new InvalidDataException(
                    $"{path}: line {i + 1} is blank; expected one class name per line (the name of label {i}).");
            }
        }

        return Array.AsReadOnly(names);
    }
}
