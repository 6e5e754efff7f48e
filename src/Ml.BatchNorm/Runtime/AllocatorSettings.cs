namespace Ml.BatchNorm.Runtime;

/// <summary>What <see cref="ProcessAllocator.Configure"/> did.</summary>
/// <param name="Mode">The requested mode.</param>
/// <param name="Applied">Whether both settings were applied.</param>
/// <param name="MmapThreshold">The <c>M_MMAP_THRESHOLD</c> value passed to <c>mallopt</c>, or null when not called.</param>
/// <param name="TrimThreshold">The <c>M_TRIM_THRESHOLD</c> value passed to <c>mallopt</c>, or null when not called.</param>
/// <param name="MmapResult"><c>mallopt</c>'s return code for the mmap threshold (1 = success, 0 = refused), or null.</param>
/// <param name="TrimResult"><c>mallopt</c>'s return code for the trim threshold (1 = success, 0 = refused), or null.</param>
/// <param name="Detail">A short reason when nothing or not everything was applied; null otherwise.</param>
public sealed record AllocatorSettings(
    AllocatorMode Mode,
    bool Applied,
    int? MmapThreshold,
    int? TrimThreshold,
    int? MmapResult,
    int? TrimResult,
    string? Detail)
{
    /// <summary>One line for the console.</summary>
    public override string ToString() => Applied
        ? $"allocator: glibc mmap threshold {MmapThreshold} bytes, trim threshold {TrimThreshold} bytes"
        : $"allocator: left alone ({Detail})";
}
