using System.Diagnostics;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// Makes TorchSharp's native library loadable before the library's first TorchSharp call.
/// TorchSharp 0.107's <c>libLibTorchSharp.so</c> requires GLIBCXX_3.4.32 for one symbol it never calls;
/// where the C++ runtime is older (Debian 12, Ubuntu 22.04) the shipped file does not load, so a copy with
/// that single requirement marked weak is written to a cache folder and loaded in its place. Everywhere
/// else (other systems, newer runtimes) nothing is touched.
/// </summary>
public static class TorchRuntime
{
    private const string LibraryName = "LibTorchSharp";
    private const string LibraryFileName = "libLibTorchSharp.so";

    // libLibTorchSharp.so finds these through its $ORIGIN run path, which a copy in the cache folder
    // does not share; loading them first by full path lets the loader match its DT_NEEDED entries by soname.
    private static readonly string[] Dependencies = ["libc10.so", "libtorch_cpu.so", "libtorch.so"];

    private static readonly Lock Gate = new();
    private static TorchLoadReport? loaded;

    /// <summary>
    /// Loads TorchSharp's native library, patching a copy when the system's C++ runtime requires it, and
    /// runs one tensor operation to prove it works. Idempotent and thread-safe; the first call does the work.
    /// It must run before anything touches <c>TorchSharp.torch</c>: TorchSharp's type initializer loads the
    /// native library once, and if that fails it stays failed for the rest of the process.
    /// </summary>
    /// <returns>Which file was loaded.</returns>
    /// <exception cref="InvalidOperationException">The library cannot be loaded; the message says why and what to do.</exception>
    public static TorchLoadReport EnsureLoaded()
    {
        lock (Gate)
        {
            if (loaded is null)
            {
                OpenMpWaitPolicy.Apply();
                var report = OperatingSystem.IsLinux() ? LoadOnLinux() : new TorchLoadReport(null, null);
                try
                {
                    Smoke();
                }
                catch (TypeInitializationException e)
                {
                    throw new InvalidOperationException(
                        $"TorchSharp failed to initialize ({report}): {e.InnerException?.Message ?? e.Message} "
                        + "If TorchSharp was used before TorchRuntime.EnsureLoaded() in this process, call EnsureLoaded() first.",
                        e);
                }

                loaded = report;
            }

            return loaded;
        }
    }

    private static TorchLoadReport LoadOnLinux()
    {
        var torchAssembly = typeof(TorchSharp.torch).Assembly;
        string? assemblyFolder = Path.GetDirectoryName(torchAssembly.Location);
        string? original = NativeLibraryFolders.Find(LibraryFileName, assemblyFolder);
        try
        {
            // The same probing TorchSharp's own P/Invokes use.
            NativeLibrary.Load(LibraryName, torchAssembly, null);
            return new TorchLoadReport(original, null);
        }
        catch (DllNotFoundException e) when (e.Message.Contains(WeakVersionPatch.CxxRuntimeVersion, StringComparison.Ordinal))
        {
            if (original is null)
            {
                throw new InvalidOperationException(
                    $"TorchSharp's {LibraryFileName} needs {WeakVersionPatch.CxxRuntimeVersion}, which this system's C++ runtime lacks, "
                    + $"and the file was not found in the application's native folders to patch a copy. Loader message: {e.Message}",
                    e);
            }

            return LoadPatchedCopy(original, assemblyFolder, e);
        }
        catch (DllNotFoundException)
        {
            // Some other reason: leave it to TorchSharp, whose own search and message are the reference.
            return new TorchLoadReport(original, null);
        }
    }

    private static TorchLoadReport LoadPatchedCopy(string original, string? assemblyFolder, DllNotFoundException loadError)
    {
        var (copy, patch) = PatchedCopy.Create(original);
        if (copy is null)
        {
            Trace.TraceWarning(patch.Message);
            throw new InvalidOperationException(
                $"TorchSharp's native library does not load ({loadError.Message}) and was not patched: {patch.Message}",
                loadError);
        }

        string originalFolder = Path.GetDirectoryName(original)!;
        foreach (string dependency in Dependencies)
        {
            string path = Path.Combine(originalFolder, dependency);
            NativeLibrary.Load(File.Exists(path) ? path : NativeLibraryFolders.Find(dependency, assemblyFolder) ?? dependency);
        }

        // Loaded under its soname, the copy is what TorchSharp's own lookup of "LibTorchSharp" returns from now on.
        NativeLibrary.Load(copy);
        return new TorchLoadReport(original, copy);
    }

    private static void Smoke()
    {
        using var scope = NewDisposeScope();
        var x = ones(2, requires_grad: true);
        var y = (x * x).sum();
        y.backward();
    }
}
