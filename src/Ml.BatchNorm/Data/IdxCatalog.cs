using Microsoft.ML;

namespace Ml.BatchNorm;

/// <summary>
/// Loads MNIST-style IDX files (raw or gzip-compressed) into ML.NET as an <see cref="IDataView"/> with
/// column "Label" (<see cref="uint"/>, the label byte) and column "Features" (<c>Vector&lt;Single, height ×
/// width&gt;</c>, each pixel exactly <c>byte / 255f</c>, row-major); both names are parameters. The files are
/// validated when the view is created (magic numbers, dimensions, lengths, one label per image); cursors then stream the images from the
/// file, so a view holds only the labels in memory. Use <c>AppendCacheCheckpoint</c> to keep decoded rows in
/// memory across epochs.
/// </summary>
/// <remarks>
/// The label is a plain number, as in ML.NET's own loaders: a trainer that needs a key gets one from
/// <c>mlContext.Transforms.Conversion.MapValueToKey("Label")</c>. To carry class names into the key (so that
/// ML.NET's confusion table and <c>MapKeyToValue</c> show them), map the values to names with
/// <c>mlContext.Transforms.Conversion.MapValue("Label", data.LabelNamesByValue, treatValuesAsKeyType: true)</c>
/// using the names of <see cref="LoadFromIdxFolder"/>.
/// </remarks>
public static class IdxCatalog
{
    /// <summary>Reads an IDX image file (magic 0x00000803) and its IDX label file (magic 0x00000801) as an <see cref="IDataView"/>.</summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="imagesPath">The image file, e.g. <c>train-images-idx3-ubyte.gz</c>: count × height × width bytes.</param>
    /// <param name="labelsPath">The label file, e.g. <c>train-labels-idx1-ubyte.gz</c>: count bytes.</param>
    /// <param name="maxRows">When set, the view holds only the first <paramref name="maxRows"/> rows (the files are still validated whole).</param>
    /// <param name="labelColumnName">The name of the label column (UInt32).</param>
    /// <param name="featureColumnName">The name of the feature column (Vector&lt;Single, height × width&gt;).</param>
    /// <returns>A view with the label and feature columns and a known row count.</returns>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is not a valid IDX file of the expected shape, or the two disagree; the message names the file.</exception>
    /// <exception cref="ArgumentException"><paramref name="maxRows"/> is not positive, or the column names are empty or equal.</exception>
    public static IDataView LoadFromIdx(
        this DataOperationsCatalog catalog,
        string imagesPath,
        string labelsPath,
        int? maxRows = null,
        string labelColumnName = "Label",
        string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(imagesPath);
        ArgumentException.ThrowIfNullOrWhiteSpace(labelsPath);
        CheckMaxRows(maxRows, nameof(maxRows));
        CheckColumnNames(labelColumnName, featureColumnName);
        return Data.IdxDataView.Load(imagesPath, labelsPath, labelColumnName, featureColumnName, maxRows, classCount: null, namesSource: "");
    }

    /// <summary>
    /// Reads a folder holding the four standard MNIST files (<c>train-images-idx3-ubyte</c>,
    /// <c>train-labels-idx1-ubyte</c>, <c>t10k-images-idx3-ubyte</c>, <c>t10k-labels-idx1-ubyte</c>, each optionally
    /// <c>.gz</c> and optionally spelled <c>train-images.idx3-ubyte</c>) as a training and a test view, each as
    /// <see cref="LoadFromIdx"/> makes them, with the class names.
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="folder">The folder, e.g. <c>/usr/share/datasets/fashion-mnist</c>.</param>
    /// <param name="labelNames">
    /// The name of each class, indexed by label value. When null the names come from a <c>labels.txt</c> beside
    /// the files (one name per line, label 0 first), else Fashion-MNIST's names for the Debian Fashion-MNIST
    /// folder, else the label values ("0", "1", …). Every label must have a name.
    /// </param>
    /// <param name="maxTrainRows">When set, the training view holds only its first rows.</param>
    /// <param name="maxTestRows">When set, the test view holds only its first rows.</param>
    /// <param name="labelColumnName">The name of the label column (UInt32).</param>
    /// <param name="featureColumnName">The name of the feature column (Vector&lt;Single, height × width&gt;).</param>
    /// <exception cref="DirectoryNotFoundException">The folder does not exist.</exception>
    /// <exception cref="FileNotFoundException">One of the four files is missing; the message lists the accepted spellings.</exception>
    /// <exception cref="InvalidDataException">A file is malformed, <c>labels.txt</c> is malformed, or a label has no name.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="labelNames"/> is empty or holds an empty name, a row limit is not positive, or the column names are empty or equal.
    /// </exception>
    public static IdxTrainTestData LoadFromIdxFolder(
        this DataOperationsCatalog catalog,
        string folder,
        IReadOnlyList<string>? labelNames = null,
        int? maxTrainRows = null,
        int? maxTestRows = null,
        string labelColumnName = "Label",
        string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(catalog);
        CheckMaxRows(maxTrainRows, nameof(maxTrainRows));
        CheckMaxRows(maxTestRows, nameof(maxTestRows));
        CheckColumnNames(labelColumnName, featureColumnName);
        var files = Data.IdxDataFolder.Open(folder, labelNames);
        var names = files.LabelNames;
        return new IdxTrainTestData(
            Data.IdxDataView.Load(
                files.TrainImagesPath, files.TrainLabelsPath, labelColumnName, featureColumnName, maxTrainRows, names.Count, files.LabelNamesSource),
            Data.IdxDataView.Load(
                files.TestImagesPath, files.TestLabelsPath, labelColumnName, featureColumnName, maxTestRows, names.Count, files.LabelNamesSource),
            names);
    }

    private static void CheckColumnNames(string labelColumnName, string featureColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(labelColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(featureColumnName);
        if (labelColumnName == featureColumnName)
        {
            throw new ArgumentException(
                $"labelColumnName and featureColumnName are both '{labelColumnName}'; expected two different column names.", nameof(featureColumnName));
        }
    }

    private static void CheckMaxRows(int? maxRows, string parameterName)
    {
        if (maxRows is <= 0)
        {
            throw new ArgumentOutOfRangeException(parameterName, maxRows, $"{parameterName} is {maxRows}; expected a positive row count, or null for every row.");
        }
    }
}
