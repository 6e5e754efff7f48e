namespace Ml.BatchNorm.Runtime;

/// <summary>The files mapped into this process (Linux: <c>/proc/self/maps</c>), to find which native libraries are loaded and from where.</summary>
internal static class LoadedLibraries
{
    /// <summary>Each mapped file's path once, in the order of its first mapping; empty where the process has no such table.</summary>
    public static IEnumerable<string> Paths()
    {
        const string Maps = "/proc/self/maps";
        if (!File.Exists(Maps))
        {
            return [];
        }

        // A line ends with the mapped file's absolute path when there is one ("[heap]", "[stack]" and anonymous maps have none).
        return File.ReadLines(Maps)
            .Select(line => line.IndexOf('/', StringComparison.Ordinal) is var at and >= 0 ? line[at..] : null)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
    }

    /// <summary>Whether a library whose file name starts with <paramref name="prefix"/> is loaded.</summary>
    public static bool AnyNamed(string prefix) => Paths().Any(path => IsNamed(path, prefix));

    /// <summary>Whether <paramref name="path"/>'s file name starts with <paramref name="prefix"/> (sonames carry versions and hashes after it).</summary>
    public static bool IsNamed(string path, string prefix) => Path.GetFileName(path).StartsWith(prefix, StringComparison.Ordinal);
}
