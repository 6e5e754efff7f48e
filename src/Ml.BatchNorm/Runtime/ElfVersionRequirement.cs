namespace Ml.BatchNorm.Runtime;

/// <summary>
/// One symbol-version requirement of an ELF shared object: an <c>Elf64_Vernaux</c> entry of
/// <c>.gnu.version_r</c> ("this library needs version <see cref="Version"/> of <see cref="File"/>").
/// </summary>
/// <param name="File">The needed library, as named in its <c>Elf64_Verneed</c> entry (for example <c>libstdc++.so.6</c>).</param>
/// <param name="Version">The version name (for example <c>GLIBCXX_3.4.32</c>).</param>
/// <param name="Flags">The entry's <c>vna_flags</c>.</param>
/// <param name="FlagsOffset">The file offset of <c>vna_flags</c>, the only bytes a weak-version patch writes.</param>
internal sealed record ElfVersionRequirement(string File, string Version, ushort Flags, long FlagsOffset)
{
    /// <summary><c>VER_FLG_WEAK</c>: the dynamic loader does not fail when the version is missing.</summary>
    public const ushort WeakFlag = 0x2;

    /// <summary>Whether the requirement is already weak.</summary>
    public bool IsWeak => (Flags & WeakFlag) != 0;
}
