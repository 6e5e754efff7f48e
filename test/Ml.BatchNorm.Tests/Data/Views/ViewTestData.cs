using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

/// <summary>Small views and readers shared by the view tests.</summary>
internal static class ViewTestData
{
    /// <summary>Six 1x2 images whose pixels are (10i, 10i+1) and labels i % 3.</summary>
    public static ImageDataset SixImages() =>
        ImageDataset.FromBytes([0, 1, 10, 11, 20, 21, 30, 31, 40, 41, 50, 51], [0, 1, 2, 0, 1, 2], 1, 2, ["a", "b", "c"], "six");

    /// <summary>Every label of a view, in cursor order.</summary>
    public static uint[] Labels(IDataView view)
    {
        var column = view.Schema["Label"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<uint>(column);
        var labels = new List<uint>();
        while (cursor.MoveNext())
        {
            uint label = 0;
            getter(ref label);
            labels.Add(label);
        }

        return labels.ToArray();
    }

    /// <summary>Every image of a view (copied), in cursor order.</summary>
    public static float[][] Images(IDataView view)
    {
        var column = view.Schema["Image"];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var images = new List<float[]>();
        while (cursor.MoveNext())
        {
            VBuffer<float> image = default;
            getter(ref image);
            images.Add(image.ToArray());
        }

        return images.ToArray();
    }

    /// <summary>The first pixel of each image ×255, rounded: identifies the rows of <see cref="SixImages"/>.</summary>
    public static int[] FirstPixels(IDataView view) => Images(view).Select(image => (int)MathF.Round(image[0] * 255)).ToArray();
}
