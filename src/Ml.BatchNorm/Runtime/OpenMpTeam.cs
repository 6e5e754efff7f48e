using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// Runs C# work on libtorch's own OpenMP threads (GNU OpenMP's <c>GOMP_parallel</c>, the call a
/// <c>#pragma omp parallel</c> compiles to), so that the C# kernels between libtorch's operators use the threads
/// that have just run those operators and are still spinning, rather than waking .NET's thread pool: on a few
/// cores the two pools otherwise take turns at the same cores, each hand-off a sleep and a wake-up.
/// Available where libtorch was loaded with GNU OpenMP (TorchSharp's Linux packages); elsewhere callers use
/// <c>Parallel.For</c>.
/// </summary>
internal static unsafe class OpenMpTeam
{
    private static readonly delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void> Parallel;
    private static readonly delegate* unmanaged<int> ThreadNumber;
    private static readonly delegate* unmanaged<int> TeamSize;

    static OpenMpTeam()
    {
        // The GNU OpenMP that libtorch loaded (its own copy under a hashed name, beside libtorch_cpu), found by
        // path so that the handle is that instance and not another libgomp in the process.
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        TorchRuntime.EnsureLoaded();
        var paths = LoadedLibraries.Paths().ToList();
        string? torchFolder = paths.Where(p => LoadedLibraries.IsNamed(p, "libtorch_cpu")).Select(Path.GetDirectoryName).FirstOrDefault();
        var gomps = paths.Where(p => LoadedLibraries.IsNamed(p, "libgomp")).ToList();
        string? path = gomps.FirstOrDefault(p => Path.GetDirectoryName(p) == torchFolder) ?? gomps.FirstOrDefault();
        if (path is null || !NativeLibrary.TryLoad(path, out var library))
        {
            return;
        }

        if (NativeLibrary.TryGetExport(library, "GOMP_parallel", out var parallel)
            && NativeLibrary.TryGetExport(library, "omp_get_thread_num", out var threadNumber)
            && NativeLibrary.TryGetExport(library, "omp_get_num_threads", out var teamSize))
        {
            Parallel = (delegate* unmanaged<delegate* unmanaged<IntPtr, void>, IntPtr, uint, uint, void>)parallel;
            ThreadNumber = (delegate* unmanaged<int>)threadNumber;
            TeamSize = (delegate* unmanaged<int>)teamSize;
        }
    }

    /// <summary>Whether libtorch's OpenMP threads can run C# work in this process.</summary>
    public static bool Available => Parallel != null;

    /// <summary>
    /// Runs <paramref name="body"/>(0) … <paramref name="body"/>(<paramref name="parts"/> − 1) on a team of up to
    /// <paramref name="parts"/> OpenMP threads, the calling thread among them, and returns when all are done. A
    /// smaller team (OpenMP may give one) runs the parts in turn. The first exception is rethrown here.
    /// </summary>
    public static void Run(int parts, Action<int> body)
    {
        var work = new Work(body, parts);
        var handle = GCHandle.Alloc(work);
        try
        {
            Parallel(&Member, GCHandle.ToIntPtr(handle), (uint)parts, 0);
        }
        finally
        {
            handle.Free();
        }

        work.Failure?.Throw();
    }

    // Runs on every thread of the team; an exception must not cross into native code.
    [UnmanagedCallersOnly]
    private static void Member(IntPtr data)
    {
        var work = (Work)GCHandle.FromIntPtr(data).Target!;
        try
        {
            int size = Math.Max(TeamSize(), 1);
            for (int k = ThreadNumber(); k < work.Parts; k += size)
            {
                work.Body(k);
            }
        }
        catch (Exception e)
        {
            Interlocked.CompareExchange(ref work.Failure, ExceptionDispatchInfo.Capture(e), null);
        }
    }

    private sealed class Work(Action<int> body, int parts)
    {
        public readonly Action<int> Body = body;
        public readonly int Parts = parts;
        public ExceptionDispatchInfo? Failure;
    }
}
