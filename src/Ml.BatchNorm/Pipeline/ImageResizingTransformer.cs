using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;


namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds an image column of <see cref="ImageWidth"/> x <see cref="ImageHeight"/>: each image is stretched to that size by
/// OpenCV (area averaging when shrinking, bilinear otherwise, the rule of <see cref="ImageFiles.ReadGray"/>); an image
/// already that size is passed on unchanged, bit for bit. ML.NET's default resizing keeps the aspect ratio and crops
/// (IsoCrop); this one always stretches (ML.NET's Fill), which is what MNIST-style data needs.
/// </summary>
public sealed class ImageResizingTransformer : OneToOneColumnTransformer
{
    internal const string Tag = "resize-images";
    internal const int Version = 1;
    private const string StageName = "ResizeImages";

    internal ImageResizingTransformer(string outputColumnName, int imageWidth, int imageHeight, string inputColumnName)
        : base(outputColumnName, inputColumnName)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ImageWidth = imageWidth;
        ImageHeight = imageHeight;
    }

    /// <summary>The width of every output image.</summary>
    public int ImageWidth { get; }

    /// <summary>The height of every output image.</summary>
    public int ImageHeight { get; }

    private protected override string StageTag => Tag;

    private protected override int StageVersion => Version;

    private protected override IDataView Map(IDataView input, DataViewSchema.Column column) =>
        ImageColumnMap.Map(input, column, OutputColumnName, (ImageDataViewType)OutputType(column), source => ImageFileDecoder.Resize(source, ImageHeight, ImageWidth));

    private protected override void SaveParameters(JsonObject parameters)
    {
        parameters["imageWidth"] = ImageWidth;
        parameters["imageHeight"] = ImageHeight;
    }

    internal static ImageResizingTransformer Load(StageLoadContext context) => new(
        context.RequiredString("outputColumnName"),
        context.Parameters["imageWidth"]?.GetValue<int>() ?? throw new JsonException("parameter 'imageWidth' is missing"),
        context.Parameters["imageHeight"]?.GetValue<int>() ?? throw new JsonException("parameter 'imageHeight' is missing"),
        context.RequiredString("inputColumnName"));

    private protected override DataViewType OutputType(DataViewSchema.Column input) => new ImageDataViewType(ImageHeight, ImageWidth, ((ImageDataViewType)input.Type).Channels);

    private protected override DataViewSchema.Column CheckInput(DataViewSchema schema) => ImageColumnMap.Require(schema, InputColumnName, StageName);
}
