using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ml.BatchNorm.Runtime;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The machine's compute ceiling, measured in the same run as a benchmark: a large 5x5 convolution (model1's
/// kernel size, with enough channels and images that the convolution runs at its steady rate: about 21 GFLOP
/// a call) and a 2048x2048 sgemm, through TorchSharp's libtorch at the benchmark's thread count. Achieved
/// GFLOP/s are reported against these. A 3x3, 64-channel convolution read 34-42 GFLOP/s on a quiet machine,
/// far below what libtorch reaches on large 5x5 ones, which made the percentages against it meaningless.
/// It runs under the allocator settings the library trains under: with glibc's defaults each call's 26 MB
/// output was a fresh mmap, and the page faults made the convolution read anywhere from 93 to 181 GFLOP/s
/// from run to run instead of a steady figure.
/// </summary>
internal static class Ceiling
{
    // 128 images of 64x28x28 through 64 5x5 filters, "same" padding.
    private const int Images = 128, Channels = 64, Side = 28, Kernel = 5;
    private const int GemmSize = 2048;

    public static Command Create()
    {
        var threads = BenchOptions.Threads();
        var repetitions = BenchOptions.Int("--repetitions", 10);
        var json = BenchOptions.Json();
        var command = new Command("ceiling", "GFLOP/s of a large 5x5 convolution and a large sgemm (libtorch).") { threads, repetitions, json };
        command.SetAction(p =>
        {
            var counts = TorchThreads.Apply(p.GetValue(threads));
            ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks);
            int reps = p.GetValue(repetitions);
            using var _ = no_grad();

            using var x = randn(Images, Channels, Side, Side);
            using var w = randn(Channels, Channels, Kernel, Kernel);
            double convFlop = 2.0 * Images * Channels * Side * Side * Channels * Kernel * Kernel;
            double conv = Best(reps, () => nn.functional.conv2d(x, w, padding: [Kernel / 2, Kernel / 2]).Dispose(), convFlop);
            using var a = randn(GemmSize, GemmSize);
            using var b = randn(GemmSize, GemmSize);
            double gemm = Best(reps, () => a.matmul(b).Dispose(), 2.0 * GemmSize * GemmSize * GemmSize);
            var result = new CeilingResult(counts.IntraOp, counts.InterOp, conv, gemm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ceiling threads intra-op={counts.IntraOp} inter-op={counts.InterOp}: convolution {Kernel}x{Kernel} {Images}x{Channels}x{Side}x{Side} -> {Channels} {conv:F0} GFLOP/s, sgemm {GemmSize}x{GemmSize} {gemm:F0} GFLOP/s (best of {reps})"));
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
