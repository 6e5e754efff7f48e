using ML = Microsoft.ML;

// ML.NET's types are qualified (ML.) because this namespace still holds look-alikes of the same names.
namespace Ml.BatchNorm.Data;

/// <summary>
/// An ML.NET view over a pair of IDX files: a label column (UInt32, the label byte) and a feature column
/// (Vector&lt;Single, height × width&gt;, each pixel exactly byte / 255f, row-major). Both files are validated
/// when the view is created (the image file in one streaming pass); the labels are kept in memory (one byte
/// a row) and every cursor streams the images from the file again, so a view costs no image memory.
/// </summary>
internal sealed class IdxDataView : ML.IDataView
{
    private const int ImageRank = 3;

    private IdxDataView(string imagesPath, int[] imageDimensions, byte[] labels, string labelColumnName, string featureColumnName)
    {
        ImagesPath = imagesPath;
        ImageDimensions = imageDimensions;
        Labels = labels;
        var builder = new ML.DataViewSchema.Builder();
        builder.AddColumn(labelColumnName, ML.Data.NumberDataViewType.UInt32);
        builder.AddColumn(featureColumnName, new ML.Data.VectorDataViewType(ML.Data.NumberDataViewType.Single, Height * Width));
        Schema = builder.ToSchema();
    }

    /// <summary>The image file's full path.</summary>
    public string ImagesPath { get; }

    /// <summary>The image file's dimensions as validated: count, height, width.</summary>
    public int[] ImageDimensions { get; }

    /// <summary>The image height in pixels.</summary>
    public int Height => ImageDimensions[1];

    /// <summary>The image width in pixels.</summary>
    public int Width => ImageDimensions[2];

    /// <summary>The label of each row of the view.</summary>
    public byte[] Labels { get; }

    /// <inheritdoc/>
    public ML.DataViewSchema Schema { get; }

    /// <summary>False: rows stream from a possibly compressed file; ML.NET's ShuffleRows shuffles through a pool.</summary>
    public bool CanShuffle => false;

    /// <summary>
    /// Reads and validates the pair of files: magic numbers, dimensions, lengths, one label per image and, when
    /// <paramref name="classCount"/> is given, every label below it (blaming <paramref name="namesSource"/>).
    /// </summary>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="InvalidDataException">A file is malformed or the two disagree; the message names the file.</exception>
    public static IdxDataView Load(
        string imagesPath, string labelsPath, string labelColumnName, string featureColumnName, int? maxRows, int? classCount, string namesSource)
    {
        var labels = IdxImageLoader.ReadLabels(labelsPath);
        using var images = IdxReader.Open(imagesPath, ImageRank, "image");
        int imageCount = images.Dimensions[0];
        if (imageCount != labels.Data.Length)
        {
            throw new InvalidDataException(
                $"{images.Path} holds {imageCount} images but {labels.Path} holds {labels.Data.Length} labels; expected one label per image.");
        }

        images.SkipToEndAndCheckLength();
        if (classCount is int count)
        {
            IdxImageLoader.CheckLabelsInRange(labels, count, namesSource);
        }

        int rows = Math.Min(imageCount, maxRows ?? int.MaxValue);
        return new IdxDataView(images.Path, images.Dimensions, labels.Data.AsSpan(0, rows).ToArray(), labelColumnName, featureColumnName);
    }

    /// <inheritdoc/>
    public long? GetRowCount() => Labels.Length;

    /// <inheritdoc/>
    public ML.DataViewRowCursor GetRowCursor(IEnumerable<ML.DataViewSchema.Column> columnsNeeded, Random? rand = null)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[Schema.Count];
        foreach (var column in columnsNeeded)
        {
            if (column.Index < 0 || column.Index >= active.Length || Schema[column.Index].Name != column.Name)
            {
                throw new ArgumentException(
                    $"Column '{column.Name}' is not a column of the IDX view over {ImagesPath} (its columns: {Schema[0].Name}, {Schema[1].Name}).",
                    nameof(columnsNeeded));
            }

            active[column.Index] = true;
        }

        return new IdxRowCursor(this, active);
    }

    /// <summary>One cursor: the rows stream from one file, in order.</summary>
    public ML.DataViewRowCursor[] GetRowCursorSet(IEnumerable<ML.DataViewSchema.Column> columnsNeeded, int n, Random? rand = null) =>
        [GetRowCursor(columnsNeeded, rand)];
}
