using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;


namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds an image column (<see cref="ImageDataViewType"/>, size varying, 3 channels) decoded by OpenCV from the file each
/// row's text column names; a relative path is taken under <see cref="ImageFolder"/> when one is set. Files are decoded
/// lazily, once per row and cursor, as cursors reach them. PNG, JPEG and BMP are read; a grey file gives equal channels.
/// </summary>
public sealed class ImageLoadingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "load-images";
    internal const int Version = 1;
    private const string StageName = "LoadImages";
    private static readonly ImageDataViewType OutputType = new();

    internal ImageLoadingTransformer(string outputColumnName, string? imageFolder, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        OutputColumnName = outputColumnName;
        ImageFolder = string.IsNullOrEmpty(imageFolder) ? null : imageFolder;
        InputColumnName = inputColumnName;
    }

    /// <summary>The image column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The folder relative paths are under, or null to use the paths as they are.</summary>
    public string? ImageFolder { get; }

    /// <summary>The text column of file paths.</summary>
    public string InputColumnName { get; }

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, OutputType)]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = CheckInput(input.Schema);
        return new MappedView(input, [(OutputColumnName, OutputType)], [column], (cursor, _) =>
        {
            var readPath = cursor.GetGetter<string>(column);
            string path = "";
            long decodedRow = -1;
            ImageValue? image = null;
            ValueGetter<ImageValue> getter = (ref ImageValue value) =>
            {
                // A row's getter may be called more than once (several consumers); decode each file once.
                if (decodedRow != cursor.Position || image is null)
                {
                    readPath(ref path);
                    if (string.IsNullOrWhiteSpace(path))
                    {
                        throw new InvalidOperationException($"{StageName}: row {cursor.Position} of column '{column.Name}' holds no file path.");
                    }

                    image = ImageFileDecoder.DecodeBgr(ImageFolder is null || Path.IsPathRooted(path) ? path : Path.Combine(ImageFolder, path));
                    decodedRow = cursor.Position;
                }

                value = image;
            };
            return new BoundColumns([getter]);
        });
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["imageFolder"] = ImageFolder,
        ["inputColumnName"] = InputColumnName,
    };

    internal static ImageLoadingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.Parameters["imageFolder"]?.GetValue<string>(), context.RequiredString("inputColumnName"));

    private DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, StageName, "a String column of image file paths", t => t is TextDataViewType);
}
