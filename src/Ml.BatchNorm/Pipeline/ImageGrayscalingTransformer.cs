using Ml.BatchNorm.Data;


namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds a one-channel image column: OpenCV's grey conversion (0.299 R + 0.587 G + 0.114 B, in fixed point, so a grey
/// file's equal channels come back exactly). ML.NET's weights differ slightly, and ML.NET keeps the colour channels
/// (all equal) where this one yields a single channel, so that ExtractPixels gives one value per pixel.
/// </summary>
public sealed class ImageGrayscalingTransformer : OneToOneColumnTransformer
{
    internal const string Tag = "convert-to-grayscale";
    internal const int Version = 1;
    private const string StageName = "ConvertToGrayscale";

    internal ImageGrayscalingTransformer(string outputColumnName, string inputColumnName)
        : base(outputColumnName, inputColumnName)
    {
    }

    private protected override string StageTag => Tag;

    private protected override int StageVersion => Version;

    private protected override IDataView Map(IDataView input, DataViewSchema.Column column) =>
        ImageColumnMap.Map(input, column, OutputColumnName, (ImageDataViewType)OutputType(column), ImageFileDecoder.ToGray);

    internal static ImageGrayscalingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"));

    private protected override DataViewType OutputType(DataViewSchema.Column input)
    {
        var type = (ImageDataViewType)input.Type;
        return new ImageDataViewType(type.Height, type.Width, 1);
    }

    private protected override DataViewSchema.Column CheckInput(DataViewSchema schema) => ImageColumnMap.Require(schema, InputColumnName, StageName);
}
