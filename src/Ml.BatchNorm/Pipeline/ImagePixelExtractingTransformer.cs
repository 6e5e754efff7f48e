using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds a Single vector of an image's pixels: (pixel - offset) × scale, row-major. A grey image gives one value per
/// pixel; a colour one gives red, green and blue, as three planes (ML.NET's default) or interleaved per pixel. The
/// default scale is 1/255 (<see cref="TransformsCatalog.DefaultPixelScale"/>), applied as a division by 255 so that
/// the result is bit-identical to what every loader yields (DESIGN §6: pixels in [0, 1]); ML.NET's default scale is 1,
/// giving 0-255. The image size must be known (apply ResizeImages first).
/// </summary>
public sealed class ImagePixelExtractingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "extract-pixels";
    internal const int Version = 1;
    private const string StageName = "ExtractPixels";

    internal ImagePixelExtractingTransformer(string outputColumnName, string inputColumnName, bool interleavePixelColors, float offsetImage, float scaleImage)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        if (!float.IsFinite(offsetImage) || !float.IsFinite(scaleImage) || scaleImage == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(scaleImage), $"{StageName}: offsetImage must be finite and scaleImage finite and non-zero; got {offsetImage} and {scaleImage}.");
        }

        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        InterleavePixelColors = interleavePixelColors;
        OffsetImage = offsetImage;
        ScaleImage = scaleImage;
    }

    /// <summary>The vector column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The image column read.</summary>
    public string InputColumnName { get; }

    /// <summary>Whether colour values are interleaved per pixel (r, g, b, r, g, b...) rather than in planes.</summary>
    public bool InterleavePixelColors { get; }

    /// <summary>Subtracted from every pixel before scaling.</summary>
    public float OffsetImage { get; }

    /// <summary>Multiplies every pixel after the offset.</summary>
    public float ScaleImage { get; }

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (_, type) = CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, type)]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (column, type) = CheckInput(input.Schema);
        var image = (ImageDataViewType)column.Type;
        bool unitScale = OffsetImage == 0 && ScaleImage == TransformsCatalog.DefaultPixelScale;
        return new MappedView(input, [(OutputColumnName, type)], [column], (cursor, _) =>
        {
            var read = cursor.GetGetter<ImageValue>(column);
            ImageValue source = null!;
            var buffer = new float[type.Size];
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                read(ref source);
                if (source.Height != image.Height || source.Width != image.Width || source.Channels != image.Channels)
                {
                    throw new InvalidOperationException($"{StageName}: row {cursor.Position} of column '{column.Name}' is an image of {source}; its type says {image}.");
                }

                Extract(source.GetPixels(), image.Channels, buffer, unitScale);
                value = new VBuffer<float>(buffer);
            };
            return new BoundColumns([getter]);
        });
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
        ["interleavePixelColors"] = InterleavePixelColors,
        ["offsetImage"] = OffsetImage,
        ["scaleImage"] = ScaleImage,
    };

    internal static ImagePixelExtractingTransformer Load(StageLoadContext context)
    {
        var p = context.Parameters;
        return new(
            context.RequiredString("outputColumnName"),
            context.RequiredString("inputColumnName"),
            p["interleavePixelColors"]?.GetValue<bool>() ?? throw new JsonException("parameter 'interleavePixelColors' is missing"),
            p["offsetImage"]?.GetValue<float>() ?? throw new JsonException("parameter 'offsetImage' is missing"),
            p["scaleImage"]?.GetValue<float>() ?? throw new JsonException("parameter 'scaleImage' is missing"));
    }

    private void Extract(ReadOnlySpan<byte> pixels, int channels, float[] output, bool unitScale)
    {
        int count = pixels.Length / channels;
        for (int p = 0; p < count; p++)
        {
            for (int c = 0; c < channels; c++)
            {
                // Pixels are stored blue, green, red; the output is red, green, blue.
                byte pixel = pixels[p * channels + (channels - 1 - c)];
                int target = channels == 1 ? p : InterleavePixelColors ? p * channels + c : c * count + p;
                output[target] = unitScale ? pixel / PixelScaling.MaxPixelValue : (pixel - OffsetImage) * ScaleImage;
            }
        }
    }

    private (DataViewSchema.Column Column, VectorDataViewType Type) CheckInput(DataViewSchema schema)
    {
        var column = SchemaChecks.Require(schema, InputColumnName, StageName, "a known-size image column (apply ResizeImages first)", t => t is ImageDataViewType { IsKnownSize: true });
        var image = (ImageDataViewType)column.Type;
        return (column, new VectorDataViewType(NumberDataViewType.Single, image.Height * image.Width * image.Channels));
    }
}
