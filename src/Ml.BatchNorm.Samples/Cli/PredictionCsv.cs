using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Writes predictions as CSV with round-trip float formatting, so another process can compare them bit for bit.</summary>
internal static class PredictionCsv
{
    public static void Write(string path, float[] probabilities, int rows, IReadOnlyList<string> labelNames)
    {
        int classes = labelNames.Count;
        var text = new StringBuilder();
        text.Append("index,predicted,").AppendJoin(',', labelNames.Select(Quote)).Append('\n');
        for (int i = 0; i < rows; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            int best = PredictionReport.ArgMax(row);

            text.Append(i.ToString(CultureInfo.InvariantCulture)).Append(',').Append(Quote(labelNames[best]));
            foreach (float p in row)
            {
                text.Append(',').Append(p.ToString("R", CultureInfo.InvariantCulture));
            }

            text.Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string Quote(string value) => value.Contains(',') || value.Contains('"') ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
}
