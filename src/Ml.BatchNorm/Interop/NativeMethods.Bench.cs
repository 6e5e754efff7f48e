using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Entry points used only by the benchmarks under bench/ (bench_kernels.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_bench_ceiling")]
    internal static partial NativeStatus BenchCeiling(int repetitions, out double convGflops, out double sgemmGflops);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_bench_crelu_pool")]
    internal static partial NativeStatus BenchCReluPool(int path, long batch, long channels, long height, long width, int iterations, out double seconds);
}
