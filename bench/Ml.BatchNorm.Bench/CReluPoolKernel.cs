using System.CommandLine;
using System.Globalization;
using System.Runtime.Intrinsics.X86;
using System.Text.Json;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The fused CReLU + max-pool kernel alone, forward and backward, in each instruction set the CPU
/// supports and as libtorch's plain operators, on the seed network's two pooling shapes. Its gain
/// is a few percent of a training step, below the step's run-to-run noise, so it is measured here.
/// </summary>
internal static class CReluPoolKernel
{
    public static Command Create()
    {
        var threads = BenchOptions.Threads();
        var batch = BenchOptions.Int("--batch-size", 128);
        var iterations = BenchOptions.Int("--iterations", 20);
        var json = BenchOptions.Json();
        var command = new Command("crelu-pool", "Microseconds per forward + backward of the fused CReLU + max-pool, per instruction set, against the plain operators.") { threads, batch, iterations, json };
        command.SetAction(p =>
        {
            NativeRuntime.SetThreads(p.GetValue(threads));
            var (torch, blas) = NativeRuntime.ThreadsInEffect();
            Console.WriteLine($"crelu-pool threads torch={torch} blas={blas}");
            var variants = new List<(string Name, int Path, InstructionSet Set)> { ("plain operators", 1, InstructionSet.Auto), ("fused scalar", 0, InstructionSet.Scalar) };
            if (Avx2.IsSupported)
            {
                variants.Add(("fused avx2", 0, InstructionSet.Avx2));
            }

            if (Avx512F.IsSupported)
            {
                variants.Add(("fused avx512", 0, InstructionSet.Avx512));
            }

            var shapes = new (int Channels, int Size)[] { (16, 28), (32, 14) };
            var rows = new List<Dictionary<string, object>>();
            Console.WriteLine($"{"variant",-16} {"shape",-20} {"us/iter",10} {"vs plain",9}");
            foreach (var (channels, size) in shapes)
            {
                double plain = 0;
                foreach (var (name, path, set) in variants)
                {
                    NativeRuntime.SetInstructionSet(set);
                    NativeMethods.BenchCReluPool(path, p.GetValue(batch), channels, size, size, p.GetValue(iterations), out double seconds).ThrowIfFailed();
                    plain = path == 1 ? seconds : plain;
                    string shape = $"{p.GetValue(batch)}x{channels}x{size}x{size}";
                    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-16} {shape,-20} {seconds * 1e6,10:F0} {plain / seconds,8:F2}x"));
                    rows.Add(new() { ["variant"] = name, ["shape"] = shape, ["seconds"] = seconds, ["speedup_vs_plain"] = plain / seconds });
                }
            }

            NativeRuntime.SetInstructionSet(InstructionSet.Auto);
            if (p.GetValue(json) is { } file)
            {
                File.WriteAllText(file, JsonSerializer.Serialize(new { torch_threads = torch, blas_threads = blas, rows }));
            }

            return 0;
        });
        return command;
    }
}
