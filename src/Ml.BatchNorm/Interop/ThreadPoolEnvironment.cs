using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>
/// Wait policies of the two thread pools under libtorch, set before the bridge loads them. On a
/// small machine libtorch's OpenMP threads and OpenBLAS's threads take turns on the same cores;
/// with the libraries' defaults each pool keeps spinning (OpenMP for 300,000 iterations, OpenBLAS
/// yielding for about 2^28 cycles) after its work ends, stealing the cores the other pool needs.
/// Measured on the project's 2-core machine: training throughput about doubles with a short spin
/// (docs/PERFORMANCE.md). The libraries read these variables once, when they load, and only from
/// the native environment (which .NET's Environment.SetEnvironmentVariable does not change on
/// Unix), hence libc's setenv. A value the user has set is left alone.
/// </summary>
internal static partial class ThreadPoolEnvironment
{
    internal static readonly IReadOnlyDictionary<string, string> Defaults = new Dictionary<string, string>
    {
        ["GOMP_SPINCOUNT"] = "10000",
        ["OPENBLAS_THREAD_TIMEOUT"] = "4",
    };

    /// <summary>Applies the defaults to the native environment; call before the first native call.</summary>
    internal static void Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        foreach (var (name, value) in Defaults)
        {
            _ = SetEnvironmentVariable(name, value, overwrite: 0);
        }
    }

    [LibraryImport("libc", EntryPoint = "setenv", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int SetEnvironmentVariable(string name, string value, int overwrite);
}
