namespace Ml.BatchNorm.Runtime;

/// <summary>What <see cref="WeakVersionPatch"/> did with a library.</summary>
internal enum WeakVersionOutcome
{
    /// <summary>The requirement was strong; the copy has it marked weak and is otherwise identical.</summary>
    Patched,

    /// <summary>The library does not require the version at all: nothing to do.</summary>
    NotRequired,

    /// <summary>The requirement is already weak: nothing to do.</summary>
    AlreadyWeak,

    /// <summary>The file is not a 64-bit little-endian ELF file: left alone.</summary>
    Foreign,

    /// <summary>The file is truncated or its version tables are inconsistent: left alone.</summary>
    Damaged,
}
