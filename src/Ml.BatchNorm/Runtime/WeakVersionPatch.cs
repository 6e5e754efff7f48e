namespace Ml.BatchNorm.Runtime;

/// <summary>
/// Marks one symbol-version requirement of an ELF shared object weak (<c>VER_FLG_WEAK</c> in the
/// <c>vna_flags</c> of its <c>Elf64_Vernaux</c> entry) in a copy of the file, so that the dynamic loader
/// accepts a C++ runtime that lacks the version. Only those two bytes of the copy differ; the input is
/// never modified, and a file that is foreign, damaged or does not need the change is left alone.
/// </summary>
internal static class WeakVersionPatch
{
    /// <summary>
    /// The C++ runtime version TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires for a single symbol,
    /// <c>std::ios_base_library_init</c>, which GCC 13's <c>&lt;iostream&gt;</c> references but never calls.
    /// </summary>
    public const string CxxRuntimeVersion = "GLIBCXX_3.4.32";

    private const string WhatToDo =
        "Restore the file by clearing and restoring the TorchSharp packages (dotnet nuget locals global-packages --clear, then dotnet restore), "
        + "or install a C++ runtime (libstdc++6) that provides " + CxxRuntimeVersion + " (GCC 13 or newer).";

    /// <summary>Returns a copy of <paramref name="image"/> with the requirement for <paramref name="version"/> marked weak.</summary>
    /// <param name="image">The whole library file; not modified.</param>
    /// <param name="name">The file's path, for messages.</param>
    /// <param name="version">The version name, for example <see cref="CxxRuntimeVersion"/>.</param>
    public static WeakVersionPatchResult Apply(byte[] image, string name, string version = CxxRuntimeVersion)
    {
        IReadOnlyList<ElfVersionRequirement> requirements;
        try
        {
            requirements = ElfImage.Parse(image, name).ReadVersionRequirements();
        }
        catch (ElfFormatException e)
        {
            return new WeakVersionPatchResult(
                e.IsForeign ? WeakVersionOutcome.Foreign : WeakVersionOutcome.Damaged,
                $"{e.Message} It was left unchanged. {WhatToDo}",
                null);
        }

        var matches = requirements.Where(r => r.Version == version).ToList();
        if (matches.Count == 0)
        {
            return new WeakVersionPatchResult(WeakVersionOutcome.NotRequired, $"{name} does not require {version}; nothing to change.", null);
        }

        if (matches.All(r => r.IsWeak))
        {
            return new WeakVersionPatchResult(WeakVersionOutcome.AlreadyWeak, $"{name} already requires {version} weakly; nothing to change.", null);
        }

        var patched = (byte[])image.Clone();
        foreach (var requirement in matches.Where(r => !r.IsWeak))
        {
            ushort flags = (ushort)(requirement.Flags | ElfVersionRequirement.WeakFlag);
            patched[requirement.FlagsOffset] = (byte)flags;
            patched[requirement.FlagsOffset + 1] = (byte)(flags >> 8);
        }

        return new WeakVersionPatchResult(
            WeakVersionOutcome.Patched,
            $"{name}: the requirement for {version} of {matches[0].File} was marked weak in a copy.",
            patched);
    }
}
