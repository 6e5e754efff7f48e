using System.Globalization;
using System.Text;
using Ml.BatchNorm.Diagnostics;

namespace Ml.BatchNorm.Files;

/// <summary>Writes learning curves as CSV: a header <c>step,model,split,accuracy,loss</c>, then one row per point (invariant culture).</summary>
public static class LearningCurveCsv
{
    /// <summary>The header line.</summary>
    public const string Header = "step,model,split,accuracy,loss";

    /// <summary>Writes <paramref name="points"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IEnumerable<LearningCurvePoint> points)
    {
        ArgumentNullException.ThrowIfNull(points);
        var text = new StringBuilder().Append(Header).Append('\n');
        foreach (var p in points)
        {
            text.Append(CultureInfo.InvariantCulture, $"{p.Step},{p.Model},{p.Split},{p.Accuracy:R},{p.Loss:R}\n");
        }

        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
