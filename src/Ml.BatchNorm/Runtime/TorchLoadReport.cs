namespace Ml.BatchNorm.Runtime;

/// <summary>How TorchSharp's native library was loaded by <see cref="TorchRuntime.EnsureLoaded"/>.</summary>
/// <param name="LibraryPath">The <c>libLibTorchSharp.so</c> the application ships, or null where it was not looked up (not Linux, or TorchSharp found it by itself).</param>
/// <param name="PatchedCopyPath">
/// The patched copy that was loaded instead, when the C++ runtime lacks GLIBCXX_3.4.32
/// (Debian 12, Ubuntu 22.04); null when the shipped library loaded as it is.
/// </param>
public sealed record TorchLoadReport(string? LibraryPath, string? PatchedCopyPath)
{
    /// <summary>Whether the patched copy is in use.</summary>
    public bool UsesPatchedCopy => PatchedCopyPath is not null;

    /// <summary>One line for logs.</summary>
    public override string ToString() => UsesPatchedCopy
        ? $"TorchSharp native library: patched copy {PatchedCopyPath} (of {LibraryPath}; the C++ runtime lacks GLIBCXX_3.4.32)"
        : $"TorchSharp native library: {LibraryPath ?? "as found by TorchSharp"}";
}
