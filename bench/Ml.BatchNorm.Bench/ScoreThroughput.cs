using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Inference throughput over the Fashion-MNIST test set in batches, and with batch 1 the per-image
/// latency, timed per scoring call the way the peer times its forward passes.
/// </summary>
internal static class ScoreThroughput
{
    public static Command Create()
    {
        var data = BenchOptions.Data();
        var model = BenchOptions.Model();
        var batch = BenchOptions.Int("--batch-size", 1000);
        var threads = BenchOptions.Threads();
        var warmup = BenchOptions.Int("--warmup", 10);
        var latencySamples = BenchOptions.Int("--latency-samples", 500);
        var seed = BenchOptions.Seed();
        var exportInit = new Option<string?>("--export-init");
        var json = BenchOptions.Json();
        var through = new Option<string>("--through")
        {
            Description = "At batch 1: score each image through a prediction engine over the model (engine, what a server does) or through Network.Score (network).",
            DefaultValueFactory = _ => "engine",
        };
        through.AcceptOnlyFromAmong("engine", "network");
        var command = new Command("score-throughput", "Images/s of inference-mode scoring; p50/p99 latency at batch 1.") { data, model, batch, threads, warmup, latencySamples, seed, exportInit, json, through };
        command.SetAction(p =>
        {
            var result = Run(p.GetValue(data)!, p.GetValue(model)!, p.GetValue(batch), p.GetValue(threads), p.GetValue(warmup), p.GetValue(latencySamples), p.GetValue(seed), p.GetValue(exportInit), p.GetValue(through) == "engine");
            string latency = result.LatencyMs is { } l ? string.Create(CultureInfo.InvariantCulture, $", latency p50 {l.P50:F3} ms p99 {l.P99:F3} ms (through {p.GetValue(through)})") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ml.batchnorm {result.Model} score batch {result.BatchSize} threads torch={result.TorchThreads} interop={result.InteropThreads}: {result.ImagesPerSecond:F0} images/s{latency}"));
            PeerFiles.WriteResult(result, p.GetValue(json));

            return 0;
        });
        return command;
    }

    private static ThroughputResult Run(string folder, string model, int batchSize, int threads, int warmup, int latencySamples, ulong seed, string? exportInit, bool throughEngine)
    {
        var counts = TorchThreads.Apply(threads);
        var test = IdxDataFolder.Open(folder).LoadTest();
        if (batchSize == 1)
        {
            test = test.Take(latencySamples);
        }

        using var network = new Network(PeerFiles.Spec(model), seed);
        PeerFiles.ExportInitialWeights(network, exportInit);

        int n = test.Count;
        var images = GC.AllocateUninitializedArray<float>(n * network.InputSize, pinned: true);
        for (int i = 0; i < n; i++)
        {
            test.CopyImage(i, images.AsSpan(i * network.InputSize, network.InputSize));
        }

        var probabilities = new float[batchSize * network.OutputSize];
        Action<int, int> score = (start, rows) => network.Score(images.AsSpan(start * network.InputSize, rows * network.InputSize), rows, probabilities);
        if (batchSize == 1 && throughEngine)
        {
            // ML.NET's prediction engine over the fitted transformer: what a server does (scoring runs through ML.NET's ONNX transformer).
            var ml = new MLContext();
            var rows = ml.Data.LoadFromEnumerable(test.LabelNames.Select((_, i) => new ImageRow { Label = (uint)i }));
            var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(rows);
            var transformer = BatchNormCnnTransformer.Create(new BatchNormCnnModel(new TrainedNetwork(network, test.LabelNames, null)), keys.Transform(rows));
            var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(keys.Append(transformer));
            var row = new ImageRow();
            score = (start, _) =>
            {
                images.AsSpan(start * network.InputSize, network.InputSize).CopyTo(row.Features);
                engine.Predict(row).Score.CopyTo(probabilities, 0);
            };
        }

        for (int i = 0; i < warmup; i++)
        {
            int start = (i * batchSize) % n;
            score(start, Math.Min(batchSize, n - start));
        }

        var times = new List<double>();
        for (int start = 0; start < n; start += batchSize)
        {
            int rows = Math.Min(batchSize, n - start);
            long t0 = Stopwatch.GetTimestamp();
            score(start, rows);
            times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        double seconds = times.Sum();
        var (torch, blas) = (counts.IntraOp, counts.InterOp);
        Latency? latency = null;
        if (batchSize == 1)
        {
            var ms = times.Select(t => t * 1000).Order().ToArray();
            latency = new Latency(ms.Length, Percentile(ms, 50), Percentile(ms, 99));
        }

        return new ThroughputResult("ml.batchnorm", model, batchSize, torch, blas, times.Count, seconds, n / seconds, LatencyMs: latency,
            FlopsPerImage: FlopCount.ForwardPerImage(PeerFiles.Spec(model)),
            PeakRssMb: PeakMemory.ResidentMegabytes());
    }

    // Linear interpolation between closest ranks, as numpy.percentile does by default.
    private static double Percentile(double[] sorted, double p)
    {
        double rank = p / 100 * (sorted.Length - 1);
        int low = (int)Math.Floor(rank);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
    }
}
