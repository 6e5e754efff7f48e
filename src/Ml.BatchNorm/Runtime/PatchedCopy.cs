namespace Ml.BatchNorm.Runtime;

/// <summary>A library file's weak-version patch written to the cache, or why none was written.</summary>
/// <param name="Path">The patched copy, or null when the original was left alone.</param>
/// <param name="Patch">What the patch found; its message says what to do when the file was left alone.</param>
internal sealed record PatchedCopy(string? Path, WeakVersionPatchResult Patch)
{
    /// <summary>
    /// Reads <paramref name="original"/>, patches the requirement for <see cref="WeakVersionPatch.CxxRuntimeVersion"/>
    /// in memory and stores the result in the cache. The original file is only read.
    /// </summary>
    /// <param name="original">The shipped library.</param>
    /// <param name="roots">Cache roots; <see cref="PatchedLibraryCache.DefaultRoots"/> when null.</param>
    public static PatchedCopy Create(string original, IEnumerable<string>? roots = null)
    {
        byte[] image = File.ReadAllBytes(original);
        var patch = WeakVersionPatch.Apply(image, original);
        return patch.PatchedImage is null
            ? new PatchedCopy(null, patch)
            : new PatchedCopy(PatchedLibraryCache.Store(image, patch.PatchedImage, System.IO.Path.GetFileName(original), roots), patch);
    }
}
