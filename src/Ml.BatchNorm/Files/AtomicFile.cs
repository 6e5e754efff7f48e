namespace Ml.BatchNorm.Files;

/// <summary>
/// Replaces a file all at once: readers (and a crash mid-save) see either the old content or the complete
/// new content, never a half-written file. Saving a model over the one that produced it must not lose both.
/// </summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes the content produced by <paramref name="writeContent"/> to <paramref name="path"/>, creating the
    /// parent folder if needed. On failure the previous file (if any) is left untouched and no temporary file remains.
    /// </summary>
    public static void Write(string path, Action<Stream> writeContent)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeContent);

        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath)
            ?? throw new ArgumentException($"'{path}' names a root folder, not a file.", nameof(path));
        Directory.CreateDirectory(directory);

        // Same folder as the target so that the final move is a rename within one file system (atomic),
        // dot-prefixed and unique so that it is hidden and concurrent writers never share a temp file.
        var tempPath = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16))
            {
                writeContent(stream);
                // Force the bytes to disk before the rename; otherwise a power loss could leave the new name
                // pointing at an empty or partial file.
                stream.Flush(flushToDisk: true);
            }

            File.Move(tempPath, fullPath, overwrite: true);
        }
        catch
        {
            TryDelete(tempPath);
            throw;
        }
    }

    private static void TryDelete(string tempPath)
    {
        try
        {
            File.Delete(tempPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The original failure is what the caller needs to see; a leftover hidden temp file is harmless.
        }
    }
}
