using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.MlNet;

/// <summary>The client's row type: an IDX image and its label.</summary>
public sealed class Digit
{
    [VectorType(784)]
    public float[] Features { get; set; } = [];

    public uint Label { get; set; }
}

/// <summary>The client's prediction type.</summary>
public sealed class DigitPrediction
{
    public uint PredictedLabel { get; set; }

    public float[] Score { get; set; } = [];
}

/// <summary>Fashion-MNIST rows as ML.NET views: "Label" UInt32, "Features" Vector&lt;Single, 784&gt; = byte/255f.</summary>
internal static class Digits
{
    public static Digit[] Rows(ImageDataset data, int count)
    {
        var rows = new Digit[Math.Min(count, data.Count)];
        for (int i = 0; i < rows.Length; i++)
        {
            var features = new float[data.PixelsPerImage];
            data.CopyImage(i, features);
            rows[i] = new Digit { Features = features, Label = (uint)data.GetLabel(i) };
        }

        return rows;
    }

    public static IDataView View(MLContext ml, ImageDataset data, int count) => ml.Data.LoadFromEnumerable(Rows(data, count));
}
