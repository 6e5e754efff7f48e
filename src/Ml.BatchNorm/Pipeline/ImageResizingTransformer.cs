using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds an image column of <see cref="ImageWidth"/> x <see cref="ImageHeight"/>: each image is stretched to that size by
/// OpenCV (area averaging when shrinking, bilinear otherwise, the rule of <see cref="ImageFiles.ReadGray"/>); an image
/// already that size is passed on unchanged, bit for bit. ML.NET's default resizing keeps the aspect ratio and crops
/// (IsoCrop); this one always stretches (ML.NET's Fill), which is what MNIST-style data needs.
/// </summary>
public sealed class ImageResizingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "resize-images";
    internal const int Version = 1;
    private const string StageName = "ResizeImages";

    internal ImageResizingTransformer(string outputColumnName, int imageWidth, int imageHeight, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        OutputColumnName = outputColumnName;
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
        InputColumnName = inputColumnName;
    }

    /// <summary>The image column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The width of every output image.</summary>
    public int ImageWidth { get; }

    /// <summary>The height of every output image.</summary>
    public int ImageHeight { get; }

    /// <summary>The image column read.</summary>
    public string InputColumnName { get; }

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, OutputType(column))]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = CheckInput(input.Schema);
        return ImageColumnMap.Map(input, column, OutputColumnName, OutputType(column), source => ImageFileDecoder.Resize(source, ImageHeight, ImageWidth));
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["imageWidth"] = ImageWidth,
        ["imageHeight"] = ImageHeight,
        ["inputColumnName"] = InputColumnName,
    };

    internal static ImageResizingTransformer Load(StageLoadContext context) => new(
        context.RequiredString("outputColumnName"),
        context.Parameters["imageWidth"]?.GetValue<int>() ?? throw new JsonException("parameter 'imageWidth' is missing"),
        context.Parameters["imageHeight"]?.GetValue<int>() ?? throw new JsonException("parameter 'imageHeight' is missing"),
        context.RequiredString("inputColumnName"));

    private ImageDataViewType OutputType(DataViewSchema.Column column) => new(ImageHeight, ImageWidth, ((ImageDataViewType)column.Type).Channels);

    private DataViewSchema.Column CheckInput(DataViewSchema schema) => ImageColumnMap.Require(schema, InputColumnName, StageName);
}
