using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// The folders the .NET host searches for an application's native libraries, in its order: the
/// folders the host lists from the application's <c>.deps.json</c> (including <c>runtimes/RID/native</c>),
/// then the application folder and its <c>runtimes/RID/native</c>, then the same beside the assembly
/// that declares the P/Invokes.
/// </summary>
internal static class NativeLibraryFolders
{
    /// <summary>The full path of the first file called <paramref name="fileName"/> in those folders, or null.</summary>
    /// <param name="fileName">A file name such as <c>libLibTorchSharp.so</c>.</param>
    /// <param name="assemblyFolder">The folder of the assembly that loads the library, or null.</param>
    public static string? Find(string fileName, string? assemblyFolder) =>
        Candidates(assemblyFolder).Select(folder => Path.Combine(folder, fileName)).FirstOrDefault(File.Exists);

    private static IEnumerable<string> Candidates(string? assemblyFolder)
    {
        if (AppContext.GetData("NATIVE_DLL_SEARCH_DIRECTORIES") is string listed)
        {
            foreach (string folder in listed.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
            {
                yield return folder;
            }
        }

        // NuGet's portable RID, not RuntimeInformation.RuntimeIdentifier (a distribution's own build of
        // .NET reports e.g. debian.12-x64, which no package uses).
        string rid = "linux-" + RuntimeInformation.ProcessArchitecture.ToString().ToLowerInvariant();
        foreach (string? folder in new[] { AppContext.BaseDirectory, assemblyFolder })
        {
            if (!string.IsNullOrEmpty(folder))
            {
                yield return folder;
                yield return Path.Combine(folder, "runtimes", rid, "native");
            }
        }
    }
}
