using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Microsoft.ML;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Scoring over the Fashion-MNIST test set, one of four ways (--through):
/// <list type="bullet">
/// <item>transformer: the fitted pipeline's <c>Transform</c> over an in-memory view of the rows, consuming the
/// Score column (the fitted transformer batches rows through ONNX Runtime);</item>
/// <item>loaded: the same pipeline saved as an ML.NET model file and loaded with <c>mlContext.Model.Load</c>
/// (ML.NET's ONNX transformer, one ONNX Runtime call per row);</item>
/// <item>engine: ML.NET's prediction engine on the loaded model file, one image at a time: p50/p99 latency;</item>
/// <item>network: the engine's <c>Network.Score</c> (TorchSharp) in batches of --batch-size.</item>
/// </list>
/// Each then times ONNX Runtime alone on the same graph with the same intra-op threads, one row per call and in
/// batches (for engine: each row's p50/p99): the gap to ML.NET's figure is ML.NET's own per-row work, the rest is ONNX Runtime's.
/// </summary>
internal static class ScoreThroughput
{
    public static Command Create()
    {
        var data = BenchOptions.Data();
        var model = BenchOptions.Model();
        var batch = BenchOptions.Int("--batch-size", 1000);
        var threads = BenchOptions.Threads();
        var rows = BenchOptions.Int("--rows", 10_000);
        var latencySamples = BenchOptions.Int("--latency-samples", 500);
        var seed = BenchOptions.Seed();
        var exportInit = new Option<string?>("--export-init");
        var json = BenchOptions.Json();
        var through = new Option<string>("--through")
        {
            Description = "transformer (the fitted transformer's Transform), loaded (the model file loaded by ML.NET), engine (prediction engine on the loaded file, latency) or network (Network.Score).",
            DefaultValueFactory = _ => "transformer",
        };
        through.AcceptOnlyFromAmong("transformer", "loaded", "engine", "network");
        var onnxThreads = BenchOptions.Int("--onnx-intra-op-threads", 0);
        onnxThreads.Description = "loaded/engine: ONNX Runtime intra-op threads set on the loading MLContext (SetOnnxSessionOption); 0 keeps ONNX Runtime's default.";
        var optimizedGraph = new Option<string?>("--optimized-graph") { Description = "loaded/engine: write the graph as ONNX Runtime optimized it (its session option OptimizedModelFilePath) to this file." };
        var command = new Command("score-throughput", "Images/s of scoring through the fitted transformer, the loaded model file or the engine; p50/p99 latency of a prediction engine.")
        {
            data, model, batch, threads, rows, latencySamples, seed, exportInit, json, through, onnxThreads, optimizedGraph,
        };
        command.SetAction(p =>
        {
            var run = new ScoringRun(p.GetValue(data)!, p.GetValue(model)!, p.GetValue(batch), p.GetValue(threads), p.GetValue(rows), p.GetValue(latencySamples),
                p.GetValue(seed), p.GetValue(exportInit), p.GetValue(through)!, p.GetValue(onnxThreads), p.GetValue(optimizedGraph));
            var result = run.Measure();
            PeerFiles.WriteResult(result, p.GetValue(json));
            return 0;
        });
        return command;
    }

    /// <summary>One side of a scoring round.</summary>
    private sealed record ScoringRun(string Folder, string Model, int BatchSize, int Threads, int RowCount, int LatencySamples, ulong Seed,
        string? ExportInit, string Through, int OnnxThreads, string? OptimizedGraph)
    {
        public ThroughputResult Measure()
        {
            var counts = TorchThreads.Apply(Threads);
            var test = IdxDataFolder.Open(Folder).LoadTest().Take(Through == "engine" ? LatencySamples : RowCount);
            var spec = PeerFiles.Spec(Model);
            var network = new Network(spec, Seed);
            PeerFiles.ExportInitialWeights(network, ExportInit);
            var ml = new MLContext(seed: 1);
            var rows = ScoringModels.Rows(test, test.Count);
            var view = ml.Data.LoadFromEnumerable(rows);
            string onnxThreads = OnnxThreads > 0 ? OnnxThreads.ToString(CultureInfo.InvariantCulture) : "ONNX Runtime's default";
            string how;
            double seconds;
            int batch;
            Latency? latency = null;
            if (Through == "network")
            {
                using (network)
                {
                    (seconds, batch) = (NetworkSeconds(network, test), BatchSize);
                }

                how = $"Network.Score (TorchSharp, intra-op={counts.IntraOp})";
            }
            else
            {
                var fitted = ScoringModels.Fitted(ml, view, network, test.LabelNames);
                var graph = NetworkGraph.ForMlNet(new TrainedNetwork(network, test.LabelNames, null), "Features", null);
                var scorer = Through == "transformer" ? fitted : ScoringModels.SavedAndLoaded(ml, fitted, view, OnnxThreads, OptimizedGraph);
                if (Through == "engine")
                {
                    var ms = EngineMilliseconds(ml, scorer, rows);
                    (seconds, batch) = (ms.Sum() / 1000, 1);
                    Array.Sort(ms);
                    latency = new Latency(ms.Length, Percentile(ms, 50), Percentile(ms, 99));
                    how = $"ML.NET PredictionEngine on the loaded model file (ONNX Runtime intra-op threads: {onnxThreads})";
                }
                else
                {
                    // Warm-up: the first rows through the same path (sessions made, buffers allocated), untimed.
                    ScoringModels.ConsumeScores(scorer.Transform(ml.Data.TakeRows(view, 1000)));
                    long t0 = Stopwatch.GetTimestamp();
                    int scored = ScoringModels.ConsumeScores(scorer.Transform(view));
                    seconds = Stopwatch.GetElapsedTime(t0).TotalSeconds;
                    if (scored != test.Count)
                    {
                        throw new InvalidOperationException($"scored {scored} rows of {test.Count}");
                    }

                    batch = Through == "transformer" ? BatchScoredView.BatchRows : 1;
                    how = Through == "transformer"
                        ? $"the fitted transformer's Transform, {batch} rows per ONNX Runtime call (intra-op threads: {BatchNormCnnTransformer.OnnxIntraOpThreads})"
                        : $"the model file loaded by mlContext.Model.Load (ML.NET's ONNX transformer, one row per call; intra-op threads: {onnxThreads})";
                }

                // The fitted transformer's own thread count; the loaded model's is what was set at load (0: ONNX Runtime's default).
                OnnxAlone(graph, test, latency is not null, Through == "transformer" ? BatchNormCnnTransformer.OnnxIntraOpThreads : OnnxThreads);

                (scorer as IDisposable)?.Dispose();
                (fitted as IDisposable)?.Dispose();
            }

            var result = new ThroughputResult("ml.batchnorm", Model, batch, counts.IntraOp, counts.InterOp, 1, seconds, test.Count / seconds,
                LatencyMs: latency, FlopsPerImage: FlopCount.ForwardPerImage(spec), PeakRssMb: PeakMemory.ResidentMegabytes());
            string latencyText = latency is { } l ? string.Create(CultureInfo.InvariantCulture, $", latency p50 {l.P50:F3} ms p99 {l.P99:F3} ms over {l.Samples} images") : "";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ml.batchnorm {Model} score through {how}, torch intra-op={counts.IntraOp}: {result.ImagesPerSecond:F0} images/s over {test.Count} rows{latencyText}"));
            return result;
        }

        private double NetworkSeconds(Network network, ImageDataset test)
        {
            int n = test.Count, size = network.InputSize;
            var images = GC.AllocateUninitializedArray<float>(n * size, pinned: true);
            for (int i = 0; i < n; i++)
            {
                test.CopyImage(i, images.AsSpan(i * size, size));
            }

            var probabilities = new float[BatchSize * network.OutputSize];
            network.Score(images.AsSpan(0, Math.Min(BatchSize, n) * size), Math.Min(BatchSize, n), probabilities);
            long t0 = Stopwatch.GetTimestamp();
            for (int start = 0; start < n; start += BatchSize)
            {
                int rows = Math.Min(BatchSize, n - start);
                network.Score(images.AsSpan(start * size, rows * size), rows, probabilities);
            }

            return Stopwatch.GetElapsedTime(t0).TotalSeconds;
        }

        private static double[] EngineMilliseconds(MLContext ml, ITransformer loaded, ImageRow[] rows)
        {
            using var engine = ml.Model.CreatePredictionEngine<ImageRow, ScoreRow>(loaded);
            var output = new ScoreRow();
            for (int i = 0; i < Math.Min(50, rows.Length); i++)
            {
                engine.Predict(rows[i], ref output);
            }

            var ms = new double[rows.Length];
            for (int i = 0; i < rows.Length; i++)
            {
                long t0 = Stopwatch.GetTimestamp();
                engine.Predict(rows[i], ref output);
                ms[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
            }

            return ms;
        }

        // ONNX Runtime alone on the same graph with the same intra-op threads: one row per call, as ML.NET's ONNX
        // transformer calls it, and whole batches (or, for latency, each row's time); the gap to ML.NET's figure
        // is ML.NET's own per-row work.
        private void OnnxAlone(byte[] graph, ImageDataset test, bool latency, int intraOpThreads)
        {
            int n = Math.Min(test.Count, 2000), size = test.PixelsPerImage;
            var images = new float[n * size];
            for (int i = 0; i < n; i++)
            {
                test.CopyImage(i, images.AsSpan(i * size, size));
            }

            using var scorer = new OnnxBatchScorer(graph, "Features", "Score", "PredictedLabel.Index", size, test.ClassCount, intraOpThreads);
            int batchSize = Math.Min(BatchSize, n);
            var scores = new float[batchSize * test.ClassCount];
            var indices = new long[batchSize];
            var ms = new double[n];
            double RowsPerSecond(int batch)
            {
                scorer.Score(images, batch, scores, indices);
                long t0 = Stopwatch.GetTimestamp();
                for (int start = 0; start < n; start += batch)
                {
                    long t1 = Stopwatch.GetTimestamp();
                    int rows = Math.Min(batch, n - start);
                    scorer.Score(images.AsMemory(start * size, rows * size), rows, scores, indices);
                    ms[start / batch] = Stopwatch.GetElapsedTime(t1).TotalMilliseconds;
                }

                return n / Stopwatch.GetElapsedTime(t0).TotalSeconds;
            }

            string threads = intraOpThreads > 0 ? $"intra-op threads {intraOpThreads}" : "default threads";
            double single = RowsPerSecond(1);
            if (latency)
            {
                Array.Sort(ms);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  ONNX Runtime alone on the same graph ({n} rows, {threads}): one row per call p50 {Percentile(ms, 50):F3} ms p99 {Percentile(ms, 99):F3} ms"));
                return;
            }

            double batched = RowsPerSecond(batchSize);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  ONNX Runtime alone on the same graph ({n} rows, {threads}): one row per call {single:F0} rows/s, {batchSize} rows per call {batched:F0} rows/s"));
        }
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
