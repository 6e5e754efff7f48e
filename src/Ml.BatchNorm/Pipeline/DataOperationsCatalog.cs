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

    /// <summary>The first <paramref name="count"/> rows.</summary>
    public IDataView TakeRows(IDataView input, long count) => input.Take(count);

    /// <summary>The rows after the first <paramref name="count"/>.</summary>
    public IDataView SkipRows(IDataView input, long count) => input.Skip(count);

    /// <summary>The rows in a random order from <paramref name="seed"/> (default: the context's seed, else 1).</summary>
    public IDataView ShuffleRows(IDataView input, ulong? seed = null) => input.ShuffleRows(seed ?? _seed ?? 1);
}
