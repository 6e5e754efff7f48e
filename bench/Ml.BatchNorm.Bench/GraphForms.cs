using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The exported graph's two forms of batch norm + CReLU (+ max pool) through ONNX Runtime alone, alternating for
/// --rounds rounds: the literal Concat(Relu(x), Relu(Neg(x))) and the negated-batch-norm form the exporter
/// writes (<see cref="OnnxNetworkOptions.NegatedBatchNormCRelu"/>), one row per call (what ML.NET's ONNX
/// transformer does) and --batch-size rows per call (what the fitted transformer does). Also checks that both
/// forms give the same scores.
/// </summary>
internal static class GraphForms
{
    public static Command Create()
    {
        var data = BenchOptions.Data();
        var model = BenchOptions.Model();
        var batch = BenchOptions.Int("--batch-size", 512);
        var rows = BenchOptions.Int("--rows", 2000);
        var rounds = BenchOptions.Int("--rounds", 3);
        var seed = BenchOptions.Seed();
        var command = new Command("graph-forms", "Rows/s of the exported graph's literal and negated-batch-norm CReLU forms through ONNX Runtime.") { data, model, batch, rows, rounds, seed };
        command.SetAction(p =>
        {
            var test = IdxDataFolder.Open(p.GetValue(data)!).LoadTest().Take(p.GetValue(rows));
            using var network = new Network(PeerFiles.Spec(p.GetValue(model)!), p.GetValue(seed));
            int n = test.Count, size = test.PixelsPerImage, classes = network.OutputSize, batchSize = Math.Min(p.GetValue(batch), n);
            var images = new float[n * size];
            for (int i = 0; i < n; i++)
            {
                test.CopyImage(i, images.AsSpan(i * size, size));
            }

            var forms = new[] { ("literal", false), ("negated batch norm", true) }.Select(f =>
                (Name: f.Item1, Scorer: new OnnxBatchScorer(
                    OnnxNetworkWriter.ToBytes(network, new OnnxNetworkOptions { NegatedBatchNormCRelu = f.Item2 }), "Features", "Score", "PredictedIndex", size, classes))).ToArray();
            var scores = forms.Select(_ => new float[n * classes]).ToArray();
            var indices = new long[n];
            for (int f = 0; f < forms.Length; f++)
            {
                for (int start = 0; start < n; start += batchSize)
                {
                    int count = Math.Min(batchSize, n - start);
                    forms[f].Scorer.Score(images.AsMemory(start * size, count * size), count, scores[f].AsSpan(start * classes), indices.AsSpan(start));
                }
            }

            double largest = scores[0].Zip(scores[1], (a, b) => Math.Abs(a - b)).Max();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"largest score difference between the forms over {n} rows: {largest:G3}"));
            var ratios = new List<(double Single, double Batched)>();
            for (int round = 1; round <= p.GetValue(rounds); round++)
            {
                var rates = forms.Select(f => (Single: RowsPerSecond(f.Scorer, images, n, 1, classes), Batched: RowsPerSecond(f.Scorer, images, n, batchSize, classes))).ToArray();
                string each = string.Join(", ", forms.Select((f, i) => string.Create(CultureInfo.InvariantCulture, $"{f.Name} {rates[i].Single:F0} rows/s one per call, {rates[i].Batched:F0} rows/s {batchSize} per call")));
                Console.WriteLine($"round {round}: {each}");
                ratios.Add((rates[1].Single / rates[0].Single, rates[1].Batched / rates[0].Batched));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"negated batch norm / literal, median over the rounds: one row per call {Median(ratios.Select(r => r.Single)):F2}, {batchSize} rows per call {Median(ratios.Select(r => r.Batched)):F2}"));
            foreach (var f in forms)
            {
                f.Scorer.Dispose();
            }

            return 0;
        });
        return command;
    }

    private static double RowsPerSecond(OnnxBatchScorer scorer, float[] images, int n, int batch, int classes)
    {
        int size = scorer.InputSize;
        var scores = new float[batch * classes];
        var indices = new long[batch];
        scorer.Score(images, batch, scores, indices);
        long t0 = Stopwatch.GetTimestamp();
        for (int start = 0; start < n; start += batch)
        {
            int rows = Math.Min(batch, n - start);
            scorer.Score(images.AsMemory(start * size, rows * size), rows, scores, indices);
        }

        return n / Stopwatch.GetElapsedTime(t0).TotalSeconds;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
