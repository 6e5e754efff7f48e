using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm;

/// <summary>
/// Reads the label and feature columns of a view into the engine's in-memory <see cref="ImageDataset"/>. The engine
/// keeps pixels as bytes, so each value must be a grey level / 255 (within rounding: ImageAnalytics' ExtractPixels
/// multiplies by 1/255 where the IDX loader divides by 255); anything else, NaN included, is refused with the row
/// and column rather than silently changed.
/// </summary>
internal static class TrainingRows
{
    // A float32 product k * (1/255f) differs from k / 255f by far less than this, in units of a grey level.
    private const float GreyLevelTolerance = 1e-3f;

    public static ImageDataset Read(IDataView data, DataViewSchema.Column label, DataViewSchema.Column features, int height, int width, IReadOnlyList<string> classNames, string what)
    {
        int pixels = height * width;
        int classes = classNames.Count;
        var pixelBytes = new List<byte>();
        var labels = new List<byte>();
        using var cursor = data.GetRowCursor([label, features]);
        var readLabel = cursor.GetGetter<uint>(label);
        var readImage = cursor.GetGetter<VBuffer<float>>(features);
        uint key = 0;
        var image = default(VBuffer<float>);
        var row = new byte[pixels];
        var dense = new float[pixels];
        while (cursor.MoveNext())
        {
            readLabel(ref key);
            if (key == 0 || key > classes)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{ColumnChecks.TrainerName}: {what} row {cursor.Position} has a missing label in column '{label.Name}' (key {key}; expected 1..{classes}); filter such rows out first."));
            }

            readImage(ref image);
            image.CopyTo(dense);
            for (int i = 0; i < pixels; i++)
            {
                float v = dense[i];
                float grey = v * 255f;
                float rounded = MathF.Round(grey);
                if (!(rounded >= 0 && rounded <= 255 && MathF.Abs(grey - rounded) <= GreyLevelTolerance))
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{ColumnChecks.TrainerName}: {what} row {cursor.Position}, feature column '{features.Name}' holds {v} at index {i}; expected a pixel/255 value in [0, 1] (ExtractPixels with scaleImage: 1f / 255, or LoadFromIdx)."));
                }

                row[i] = (byte)rounded;
            }

            pixelBytes.AddRange(row);
            labels.Add((byte)(key - 1));
        }

        if (labels.Count == 0)
        {
            throw new InvalidOperationException($"{ColumnChecks.TrainerName}: the {what} view has no rows.");
        }

        return ImageDataset.FromBytes(pixelBytes.ToArray(), labels.ToArray(), height, width, classNames, what);
    }
}
