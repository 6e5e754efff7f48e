namespace Ml.BatchNorm.Runtime;

/// <summary>Whether the library tunes the process's C allocator for training (glibc on Linux only).</summary>
public enum AllocatorMode
{
    /// <summary>
    /// Keep large blocks: glibc's mmap threshold at its 32 MiB maximum and trimming off, so the
    /// multi-megabyte activation buffers of every step are reused instead of mapped, faulted in and
    /// unmapped again (the same as <c>MALLOC_MMAP_THRESHOLD_=33554432 MALLOC_TRIM_THRESHOLD_=…</c>).
    /// </summary>
    KeepLargeBlocks,

    /// <summary>Leave the process's allocator as it is (the settings are process-wide).</summary>
    LeaveAlone,
}
