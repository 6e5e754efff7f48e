using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// Tunes glibc's allocator for training through <c>mallopt</c>, which must run before training allocates.
/// Without it, libtorch's multi-megabyte activations exceed glibc's dynamic mmap threshold, so every step
/// maps, faults in and unmaps them and a large share of the CPU goes to the kernel. The settings are
/// process-wide: <see cref="AllocatorMode.LeaveAlone"/> opts out, and settings already given through
/// glibc's environment variables are respected.
/// </summary>
public static partial class ProcessAllocator
{
    /// <summary>glibc's largest mmap threshold, <c>HEAP_MAX_SIZE / 2</c> on 64-bit: 32 MiB.</summary>
    public const int MmapThreshold = 32 * 1024 * 1024;

    /// <summary><c>mallopt</c> takes an <c>int</c>: the largest trim threshold it can set (about 2 GiB).</summary>
    public const int TrimThreshold = int.MaxValue;

    private const int MTrimThreshold = -1;
    private const int MMmapThreshold = -3;
    private const string LibC = "libc.so.6";

    private static readonly string[] EnvironmentSettings = ["MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_", "MALLOC_TOP_PAD_", "MALLOC_MMAP_MAX_"];

    /// <summary>Applies <paramref name="mode"/> and reports what was done; safe to call more than once.</summary>
    /// <param name="mode">Tune the allocator, or leave it alone.</param>
    public static AllocatorSettings Configure(AllocatorMode mode)
    {
        if (mode == AllocatorMode.LeaveAlone)
        {
            return LeftAlone(mode, "as requested");
        }

        if (!OperatingSystem.IsLinux() || !IsGlibc())
        {
            return LeftAlone(mode, "not glibc: nothing to tune");
        }

        string? given = EnvironmentSettings.FirstOrDefault(name => Environment.GetEnvironmentVariable(name) is not null);
        string? tunables = Environment.GetEnvironmentVariable("GLIBC_TUNABLES");
        if (given is not null || (tunables?.Contains("glibc.malloc.", StringComparison.Ordinal) ?? false))
        {
            return LeftAlone(mode, $"the environment configures it ({given ?? "GLIBC_TUNABLES"})");
        }

        int mmap = mallopt(MMmapThreshold, MmapThreshold);
        int trim = mallopt(MTrimThreshold, TrimThreshold);
        bool applied = mmap == 1 && trim == 1;
        return new AllocatorSettings(mode, applied, MmapThreshold, TrimThreshold, mmap, trim,
            applied ? null : $"mallopt returned {mmap} (mmap threshold) and {trim} (trim threshold)");
    }

    private static AllocatorSettings LeftAlone(AllocatorMode mode, string reason) =>
        new(mode, false, null, null, null, null, reason);

    private static bool IsGlibc()
    {
        try
        {
            return gnu_get_libc_version() != IntPtr.Zero;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport(LibC)]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport(LibC)]
    private static partial IntPtr gnu_get_libc_version();
}
