using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Loading and reshaping data views: <c>ctx.Data</c>. Thin entry points over <see cref="DataViewLoaders"/> and <see cref="DataViewOperations"/>.</summary>
public sealed class DataOperationsCatalog
{
    private readonly ulong? _seed;

    internal DataOperationsCatalog(ulong? seed) => _seed = seed;

    /// <summary>An IDX image file and its label file as a view of "Label" (UInt32) and "Image" (Vector&lt;Single, H×W&gt;, pixel/255); see <see cref="DataViewLoaders.LoadFromIdx"/>.</summary>
    public IDataView LoadFromIdx(string imagesPath, string labelsPath, IReadOnlyList<string>? labelNames = null) =>
        DataViewLoaders.LoadFromIdx(imagesPath, labelsPath, labelNames);

    /// <summary>Objects as a view, one column per public member; see <see cref="DataViewLoaders.LoadFromEnumerable{T}"/>.</summary>
    public IDataView LoadFromEnumerable<T>(IEnumerable<T> rows)
        where T : class => DataViewLoaders.LoadFromEnumerable(rows);

    /// <summary>An in-memory image set as a view; see <see cref="DataViewLoaders.FromImageDataset"/>.</summary>
    public IDataView LoadFromImageDataset(ImageDataset data) => DataViewLoaders.FromImageDataset(data);

    /// <summary>MNIST as CSV, streamed; see <see cref="DataViewLoaders.LoadFromTextFile"/>.</summary>
    public IDataView LoadFromTextFile(string path, bool hasHeader = false, char separator = ',') =>
        DataViewLoaders.LoadFromTextFile(path, hasHeader, separator);

    /// <summary>
    /// The image files of a folder whose sub-folders are the classes, as "Label" (String, the sub-folder) and "ImagePath"
    /// (String) columns, for LoadImages; see <see cref="DataViewLoaders.LoadImagesFromFolder"/>.
    /// </summary>
    public IDataView LoadImagesFromFolder(string folder) => DataViewLoaders.LoadImagesFromFolder(folder);

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public IDataView TakeRows(IDataView input, long count) => input.Take(count);

    /// <summary>The rows after the first <paramref name="count"/>.</summary>
    public IDataView SkipRows(IDataView input, long count) => input.Skip(count);

    /// <summary>
    /// Splits the rows into a train and a test set, both lazy views in the original row order. Stratified: each value
    /// of <paramref name="labelColumnName"/> sends within one row of <paramref name="testFraction"/> of its rows to the
    /// test set. With <paramref name="samplingKeyColumnName"/>, rows sharing a key value stay on one side (ML.NET's
    /// meaning) and the fraction counts key values rather than rows, without stratification. Deterministic for a seed
    /// (default: the context's seed, else 1). One pass reads the label or key column; 4 bytes a row are kept.
    /// ML.NET's default fraction is 0.1 and it has no label parameter; ours defaults to 0.2 and stratifies.
    /// </summary>
    /// <param name="data">The rows to split.</param>
    /// <param name="testFraction">The share of rows for the test set, strictly between 0 and 1.</param>
    /// <param name="samplingKeyColumnName">A column whose equal values must stay together, or null.</param>
    /// <param name="seed">The seed of the split.</param>
    /// <param name="labelColumnName">The column to stratify by (any single-value column), or null for none.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="testFraction"/> is not in (0, 1).</exception>
    /// <exception cref="ArgumentException">A named column is missing or holds vectors; the message names it.</exception>
    public TrainTestData TrainTestSplit(IDataView data, double testFraction = 0.2, string? samplingKeyColumnName = null, ulong? seed = null, string? labelColumnName = "Label")
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"TrainTestSplit: testFraction must be strictly between 0 and 1; got {testFraction}.");
        }

        bool[] test = DataSplitting.AssignTest(data, testFraction, labelColumnName, samplingKeyColumnName, seed ?? _seed ?? 1, "TrainTestSplit");
        return new TrainTestData(new RowSubsetView(data, DataSplitting.RowsWhere(test, false)), new RowSubsetView(data, DataSplitting.RowsWhere(test, true)));
    }

    /// <summary>The rows in a random order from <paramref name="seed"/> (default: the context's seed, else 1).</summary>
    public IDataView ShuffleRows(IDataView input, ulong? seed = null) => input.ShuffleRows(seed ?? _seed ?? 1);
}
