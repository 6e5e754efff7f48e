using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm;

/// <summary>An in-memory <see cref="ImageDataset"/> as the rows ML.NET models read: "Label" UInt32, "Features" = pixel/255.</summary>
internal static class ImageRows
{
    public static IDataView View(MLContext ml, ImageDataset data)
    {
        var schema = SchemaDefinition.Create(typeof(Row));
        schema[nameof(Row.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, data.PixelsPerImage);
        return ml.Data.LoadFromEnumerable(Rows(data), schema);
    }

    private static IEnumerable<Row> Rows(ImageDataset data)
    {
        for (int i = 0; i < data.Count; i++)
        {
            var features = new float[data.PixelsPerImage];
            data.CopyImage(i, features);
            yield return new Row { Label = (uint)data.GetLabel(i), Features = features };
        }
    }

    private sealed class Row
    {
        public uint Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}
