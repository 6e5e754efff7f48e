using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ml.BatchNorm.Runtime;
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
        var command = new Command("ceiling", "GFLOP/s of a large convolution and a large matrix product (libtorch).") { threads, repetitions, json };
        command.SetAction(p =>
        {
            var counts = TorchThreads.Apply(p.GetValue(threads));
            int reps = p.GetValue(repetitions);
            using var _ = no_grad();

            // 64 images of 64x56x56 through 64 3x3 filters: 2·64·56·56·64·64·9 FLOP.
            using var x = randn(64, 64, 56, 56);
            using var w = randn(64, 64, 3, 3);
            double conv = Best(reps, () => nn.functional.conv2d(x, w, padding: [1, 1]).Dispose(), 2.0 * 64 * 56 * 56 * 64 * 64 * 9);
            using var a = randn(2048, 2048);
            using var b = randn(2048, 2048);
            double gemm = Best(reps, () => a.matmul(b).Dispose(), 2.0 * 2048 * 2048 * 2048);
            var result = new CeilingResult(counts.IntraOp, counts.InterOp, conv, gemm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ceiling threads intra-op={counts.IntraOp} inter-op={counts.InterOp}: convolution {conv:F0} GFLOP/s, matmul 2048x2048 {gemm:F0} GFLOP/s"));
            if (p.GetValue(json) is { } path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(result));
            }

            return 0;
        });
        return command;
    }

    private static double Best(int repetitions, Action work, double flop)
    {
        work();
        double best = double.MaxValue;
        for (int r = 0; r < repetitions; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            work();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return flop / best / 1e9;
    }

    /// <summary>The ceiling as written to JSON.</summary>
    internal sealed record CeilingResult(
        [property: JsonPropertyName("torch_threads")] int TorchThreads,
        [property: JsonPropertyName("interop_threads")] int InteropThreads,
        [property: JsonPropertyName("conv_gflops")] double ConvGflops,
        [property: JsonPropertyName("matmul_gflops")] double MatmulGflops);
}
