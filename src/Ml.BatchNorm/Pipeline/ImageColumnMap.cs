using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>What the image-to-image transforms share: the input check and the lazy, image-by-image mapped view.</summary>
internal static class ImageColumnMap
{
    public static DataViewSchema.Column Require(DataViewSchema schema, string columnName, string stageName) =>
        SchemaChecks.Require(schema, columnName, stageName, "an image column (apply LoadImages first)", t => t is ImageDataViewType);

    /// <summary>A view adding <paramref name="outputColumnName"/>: <paramref name="map"/> of each row's image, computed as a cursor reads it.</summary>
    public static IDataView Map(IDataView input, DataViewSchema.Column column, string outputColumnName, ImageDataViewType outputType, Func<ImageValue, ImageValue> map) =>
        new MappedView(input, [(outputColumnName, outputType)], [column], (cursor, _) =>
        {
            var read = cursor.GetGetter<ImageValue>(column);
            ImageValue source = null!;
            ValueGetter<ImageValue> getter = (ref ImageValue value) =>
            {
                read(ref source);
                value = map(source);
            };
            return new BoundColumns([getter]);
        });
}
