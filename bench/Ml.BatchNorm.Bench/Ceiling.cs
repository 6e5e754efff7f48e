using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The machine's compute ceiling, measured in the same run as a benchmark: a large oneDNN
/// convolution and a 2048x2048 OpenBLAS matrix product through the bridge's libtorch, at the
/// benchmark's thread count. Achieved GFLOP/s are reported against these.
/// </summary>
internal static class Ceiling
{
    public static Command Create()
    {
        var threads = BenchOptions.Threads();
        var repetitions = BenchOptions.Int("--repetitions", 5);
        var json = BenchOptions.Json();
        var command = new Command("ceiling", "GFLOP/s of a large convolution (oneDNN) and a large sgemm (OpenBLAS).") { threads, repetitions, json };
        command.SetAction(p =>
        {
            NativeRuntime.SetThreads(p.GetValue(threads));
            NativeMethods.BenchCeiling(p.GetValue(repetitions), out double conv, out double sgemm).ThrowIfFailed();
            var (torch, blas) = NativeRuntime.ThreadsInEffect();
            var result = new CeilingResult(torch, blas, conv, sgemm);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ceiling threads torch={torch} blas={blas}: convolution (oneDNN) {conv:F0} GFLOP/s, sgemm 2048x2048 (OpenBLAS) {sgemm:F0} GFLOP/s"));
            if (p.GetValue(json) is { } path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(result));
            }

            return 0;
        });
        return command;
    }

    /// <summary>The ceiling as written to JSON for compare.py.</summary>
    internal sealed record CeilingResult(
        [property: JsonPropertyName("torch_threads")] int TorchThreads,
        [property: JsonPropertyName("blas_threads")] int BlasThreads,
        [property: JsonPropertyName("conv_gflops")] double ConvGflops,
        [property: JsonPropertyName("sgemm_gflops")] double SgemmGflops);
}
