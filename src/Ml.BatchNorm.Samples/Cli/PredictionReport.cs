using System.Globalization;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Scores a batch of decoded images in one call and prints (and optionally writes as CSV) one line per image.</summary>
internal static class PredictionReport
{
    public static void ScoreAndWrite(TrainedNetwork trained, float[] input, int rows, Func<int, string> name, Func<int, string> suffix, string? csvPath, TextWriter output)
    {
        var network = trained.Network;
        var probabilities = new float[rows * network.OutputSize];
        network.Score(input, rows, probabilities);
        if (csvPath is not null)
        {
            PredictionCsv.Write(csvPath, probabilities, rows, trained.LabelNames);
        }

        for (int i = 0; i < rows; i++)
        {
            var row = probabilities.AsSpan(i * network.OutputSize, network.OutputSize);
            int best = ArgMax(row);
            string all = string.Join(" ", row.ToArray().Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));
            output.WriteLine($"{name(i)}: {trained.LabelNames[best]} ({row[best].ToString("0.000", CultureInfo.InvariantCulture)}){suffix(i)}  [{all}]");
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
