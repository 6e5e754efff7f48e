namespace Ml.BatchNorm.Data;

/// <summary>
/// Makes data views from files and objects. Plain static methods, so that a context object can expose them
/// (e.g. <c>ctx.Data.LoadFromIdx(...)</c>). Every image loader yields "Label" (UInt32) and "Image"
/// (Vector&lt;Single, H×W&gt;, pixel / 255 in [0, 1], row-major).
/// </summary>
public static class DataViewLoaders
{
    /// <summary>The name of the label column the image loaders make.</summary>
    public const string LabelColumnName = ImageDatasetView.LabelColumnName;

    /// <summary>The name of the image column the image loaders make.</summary>
    public const string ImageColumnName = ImageDatasetView.ImageColumnName;

    /// <summary>
    /// Loads an IDX image file and its label file (see <see cref="IdxImageLoader.Load(string, string, IReadOnlyList{string}?)"/>).
    /// The files are read and validated now (as compact bytes); the float images are made row by row as cursors read them.
    /// "Label" is the raw label value, 0-based, as UInt32 (not a key: a later value-to-key mapping turns it into one).
    /// </summary>
    /// <param name="imagesPath">The IDX image file, raw or gzip.</param>
    /// <param name="labelsPath">The IDX label file, raw or gzip.</param>
    /// <param name="labelNames">The class names, to check the labels against; null accepts any label.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, the files disagree, or a label has no name.</exception>
    public static IDataView LoadFromIdx(string imagesPath, string labelsPath, IReadOnlyList<string>? labelNames = null) =>
        FromImageDataset(IdxImageLoader.Load(imagesPath, labelsPath, labelNames));

    /// <summary>A view over an in-memory image set (not a copy); it has a row count and can be shuffled.</summary>
    public static IDataView FromImageDataset(ImageDataset data) => new ImageDatasetView(data);

    /// <summary>
    /// A view over objects, one column per public instance field and readable property, in declaration order
    /// (fields first). Supported member types: float, double, int, long, uint, byte, bool, string (null reads as
    /// empty) and float[] (a vector column, fixed-size with <see cref="VectorTypeAttribute"/>). Name columns with
    /// <see cref="ColumnNameAttribute"/>. The sequence is enumerated lazily by each cursor; when it is a list the
    /// view has a row count and can be shuffled. Row problems (a null row, a vector of the wrong length) are
    /// reported when the row is read, naming the member and the row.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> has no usable member, an unsupported member, or two members with one column name.</exception>
    public static IDataView LoadFromEnumerable<T>(IEnumerable<T> rows)
        where T : class => new EnumerableDataView<T>(rows);

    /// <summary>
    /// Streams MNIST as CSV: each line the label (a non-negative integer) then 784 pixels (integers 0–255).
    /// The file is read line by line as cursors move, never all at once, so a bad line fails only when reached;
    /// the error names the file, the line number and the problem. Blank lines are skipped. The view has no
    /// row count and cannot be shuffled (load it into an <see cref="ImageDataset"/> for that).
    /// </summary>
    /// <param name="path">The text file.</param>
    /// <param name="hasHeader">Whether the first line is a header to skip.</param>
    /// <param name="separator">The field separator.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="ArgumentException"><paramref name="separator"/> is a digit, a sign or a line break.</exception>
    public static IDataView LoadFromTextFile(string path, bool hasHeader = false, char separator = ',') =>
        new MnistCsvView(path, hasHeader, separator);

    /// <summary>
    /// Lists the image files (PNG, JPEG, BMP) of a folder in the image-classification layout: every
    /// sub-folder is a class, named by the folder. Columns: "Label" (Text, the sub-folder's name) and
    /// "ImagePath" (Text, the file's full path), sorted by label then path. Files are not decoded here.
    /// </summary>
    /// <param name="folder">The folder whose sub-folders hold the images.</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    public static IDataView LoadImagesFromFolder(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"image folder '{folder}' does not exist.");
        }

        var rows = Directory.GetDirectories(folder)
            .Order(StringComparer.Ordinal)
            .SelectMany(d => Directory.GetFiles(d).Where(ImageFiles.HasImageExtension).Order(StringComparer.Ordinal)
                .Select(f => new ImageFolderRow { Label = Path.GetFileName(d), ImagePath = Path.GetFullPath(f) }))
            .ToList();
        return LoadFromEnumerable(rows);
    }

    private sealed class ImageFolderRow
    {
        public string Label { get; set; } = "";

        public string ImagePath { get; set; } = "";
    }
}
