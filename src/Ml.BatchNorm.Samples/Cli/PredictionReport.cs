using System.Globalization;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Prints (and optionally writes as CSV) one line per scored image: the predicted class and every probability.</summary>
internal static class PredictionReport
{
    public static void Write(float[] probabilities, int rows, IReadOnlyList<string> classNames, Func<int, string> name, Func<int, string> suffix, string? csvPath, TextWriter output)
    {
        int classes = classNames.Count;
        if (csvPath is not null)
        {
            PredictionCsv.Write(csvPath, probabilities, rows, classNames);
        }

        for (int i = 0; i < rows; i++)
        {
            var row = probabilities.AsSpan(i * classes, classes);
            int best = ArgMax(row);
            string all = string.Join(" ", row.ToArray().Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));
            output.WriteLine($"{name(i)}: {classNames[best]} ({row[best].ToString("0.000", CultureInfo.InvariantCulture)}){suffix(i)}  [{all}]");
        }
    }

    /// <summary>The first index of the largest value (ties go to the lower class, as in evaluation).</summary>
    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int c = 1; c < row.Length; c++)
        {
            if (row[c] > row[best])
            {
                best = c;
            }
        }

        return best;
    }
}
