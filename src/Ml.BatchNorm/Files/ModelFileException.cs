namespace Ml.BatchNorm.Files;

/// <summary>
/// Thrown when a model file or training checkpoint cannot be loaded: it is missing, is not such a file,
/// was written by a newer version, or is damaged. The message names the file and the reason.
/// </summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception for the file at <paramref name="path"/>.</summary>
    /// <param name="path">The file that could not be loaded.</param>
    /// <param name="reason">What was wrong with it, and what was expected.</param>
    /// <param name="innerException">The lower-level failure, if any.</param>
    public ModelFileException(string path, string reason, Exception? innerException = null)
        : base($"Cannot load '{path}': {reason}", innerException)
    {
        Path = path;
        Reason = reason;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string Path { get; }

    /// <summary>What was wrong with the file, without the path prefix.</summary>
    public string Reason { get; }
}
