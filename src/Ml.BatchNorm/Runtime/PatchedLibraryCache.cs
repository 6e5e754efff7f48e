using System.Security.Cryptography;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// Where patched copies of native libraries live: one folder per original file, named by the original's
/// SHA-256, so a new TorchSharp version gets its own copy and a copy is never used for another original.
/// Copies are written to a temporary file and renamed into place, so a process that starts while another
/// writes never loads half a file.
/// </summary>
internal static class PatchedLibraryCache
{
    private const string FolderName = "ml-batchnorm";
    private const string NativeFolderName = "patched-native";
    private const int HashCharacters = 32;

    /// <summary>
    /// The candidate cache roots in order of preference: <c>$XDG_CACHE_HOME</c>, <c>~/.cache</c>, then the
    /// temporary folder (for accounts without a writable home).
    /// </summary>
    public static IEnumerable<string> DefaultRoots()
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            yield return Path.Combine(xdg, FolderName, NativeFolderName);
        }

        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (!string.IsNullOrEmpty(home))
        {
            yield return Path.Combine(home, ".cache", FolderName, NativeFolderName);
        }

        yield return Path.Combine(Path.GetTempPath(), FolderName + "-" + Environment.UserName, NativeFolderName);
    }

    /// <summary>
    /// Stores <paramref name="patched"/> as <paramref name="fileName"/> in the folder for
    /// <paramref name="original"/> under the first writable root and returns its path; an existing identical
    /// copy is reused.
    /// </summary>
    /// <param name="original">The original file's bytes (they name the folder).</param>
    /// <param name="patched">The bytes to store.</param>
    /// <param name="fileName">The file name; keeping the original's name keeps its soname lookups simple.</param>
    /// <param name="roots">Cache roots to try in order; <see cref="DefaultRoots"/> when null.</param>
    public static string Store(byte[] original, byte[] patched, string fileName, IEnumerable<string>? roots = null)
    {
        string key = Convert.ToHexString(SHA256.HashData(original))[..HashCharacters].ToLowerInvariant();
        var failures = new List<string>();
        foreach (string root in roots ?? DefaultRoots())
        {
            string folder = Path.Combine(root, key);
            string path = Path.Combine(folder, fileName);
            try
            {
                if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(patched))
                {
                    return path;
                }

                Directory.CreateDirectory(folder);
                string temporary = Path.Combine(folder, $".{fileName}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
                try
                {
                    File.WriteAllBytes(temporary, patched);
                    File.Move(temporary, path, overwrite: true);
                }
                finally
                {
                    File.Delete(temporary);
                }

                return path;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failures.Add($"{folder}: {e.Message}");
            }
        }

        throw new IOException(
            $"No cache folder was writable for the patched copy of {fileName} ({string.Join("; ", failures)}). "
            + "Set XDG_CACHE_HOME to a writable folder.");
    }
}
