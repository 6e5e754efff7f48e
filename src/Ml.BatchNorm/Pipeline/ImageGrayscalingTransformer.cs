using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds a one-channel image column: OpenCV's grey conversion (0.299 R + 0.587 G + 0.114 B, in fixed point, so a grey
/// file's equal channels come back exactly). ML.NET's weights differ slightly, and ML.NET keeps the colour channels
/// (all equal) where this one yields a single channel, so that ExtractPixels gives one value per pixel.
/// </summary>
public sealed class ImageGrayscalingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "convert-to-grayscale";
    internal const int Version = 1;
    private const string StageName = "ConvertToGrayscale";

    internal ImageGrayscalingTransformer(string outputColumnName, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The grey image column made.</summary>
    public string OutputColumnName { get; }

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
        return ImageColumnMap.Map(input, column, OutputColumnName, OutputType(column), ImageFileDecoder.ToGray);
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
    };

    internal static ImageGrayscalingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"));

    private static ImageDataViewType OutputType(DataViewSchema.Column column)
    {
        var type = (ImageDataViewType)column.Type;
        return new ImageDataViewType(type.Height, type.Width, 1);
    }

    private DataViewSchema.Column CheckInput(DataViewSchema schema) => ImageColumnMap.Require(schema, InputColumnName, StageName);
}
