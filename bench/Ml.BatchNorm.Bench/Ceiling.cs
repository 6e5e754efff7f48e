using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ml.BatchNorm.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The machine's compute ceiling, measured in the same run as a benchmark: a large convolution and a
/// 2048x2048 matrix product through TorchSharp's libtorch, at the benchmark's thread count. Achieved
/// GFLOP/s are reported against these.
/// </summary>
internal static class Ceiling
{
    public static Command Create()
    {
        var threads = BenchOptions.Threads();
        var repetitions = BenchOptions.Int("--repetitions", 5);
        var json = BenchOptions.Json();
        var command = new Command("ceiling", "GFLOP/s of a large convolution and a large sgemm (libtorch from TorchSharp).") { threads, repetitions, json };
        command.SetAction(p =>
        {
            var counts = TorchThreads.Apply(p.GetValue(threads));
            int reps = p.GetValue(repetitions);
            using var scope = NewDisposeScope();
            using var _ = no_grad();
            // A 5x5 convolution like the seed network's second one, widened to 64 -> 64 channels on 28x28
            // at batch 64 (10.3 GFLOP) so that it is large enough to reach the ceiling.
            const long n = 64, c = 64, k = 64, h = 28, w = 28, r = 5;
            var x = rand(n, c, h, w);
            var weight = rand(k, c, r, r);
            double conv = 2.0 * n * k * h * w * c * r * r / Best(reps, () => nn.functional.conv2d(x, weight, padding: [2, 2]).Dispose()) / 1e9;
            const long m = 2048;
            var a = rand(m, m);
            var b = rand(m, m);
            double sgemm = 2.0 * m * m * m / Best(reps, () => a.mm(b).Dispose()) / 1e9;
            var result = new CeilingResult(counts.IntraOp, counts.InterOp, conv, sgemm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ceiling {counts}: convolution {conv:F0} GFLOP/s, sgemm 2048x2048 {sgemm:F0} GFLOP/s"));
            if (p.GetValue(json) is { } path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(result));
            }

            return 0;
        });
        return command;
    }

    // Best of the timed runs after one untimed run: the ceiling is what the machine can do when nothing
    // else gets in the way, so the fastest run is the estimate, not the median.
    private static double Best(int repetitions, Action body)
    {
        body();
        double best = double.MaxValue;
        for (int i = 0; i < repetitions; i++)
        {
            var clock = Stopwatch.StartNew();
            body();
            best = Math.Min(best, clock.Elapsed.TotalSeconds);
        }

        return best;
    }

    /// <summary>The ceiling as written to JSON for compare.py (blas_threads now holds libtorch's inter-op count).</summary>
    internal sealed record CeilingResult(
        [property: JsonPropertyName("torch_threads")] int TorchThreads,
        [property: JsonPropertyName("blas_threads")] int BlasThreads,
        [property: JsonPropertyName("conv_gflops")] double ConvGflops,
        [property: JsonPropertyName("sgemm_gflops")] double SgemmGflops);
}
