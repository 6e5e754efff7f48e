using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// glibc's allocator settings for training: keep step-sized blocks (activations of a few MB) in the heap
/// instead of mapping and unmapping them every step, and never trim the heap back. The same settings are
/// given to the PyTorch peer's second run through glibc's environment variables (see the run script).
/// </summary>
internal static partial class Allocator
{
    /// <summary>glibc's largest mmap threshold on 64-bit systems (32 MiB).</summary>
    public const int MmapThreshold = 32 * 1024 * 1024;

    /// <summary>Heap trim threshold: 1 GiB, effectively never.</summary>
    public const int TrimThreshold = 1024 * 1024 * 1024;

    private const int MTrimThreshold = -1, MMmapThreshold = -3;

    /// <summary>Applies the settings; false where the C library is not glibc.</summary>
    public static bool Apply()
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            return mallopt(MMmapThreshold, MmapThreshold) == 1 && mallopt(MTrimThreshold, TrimThreshold) == 1;
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);
}
