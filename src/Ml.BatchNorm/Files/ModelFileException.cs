namespace Ml.BatchNorm.Files;

/// <summary>A model or checkpoint file that cannot be loaded: missing, truncated, corrupted, foreign or from a newer version.</summary>
public sealed class ModelFileException : Exception
{
    /// <summary>Creates the exception; the message names <paramref name="path"/> and <paramref name="reason"/>.</summary>
    public ModelFileException(string path, string reason, Exception? inner = null)
        : base($"{path}: {reason}", inner)
    {
        Path = path;
    }

    /// <summary>The file that could not be loaded.</summary>
    public string Path { get; }
}
