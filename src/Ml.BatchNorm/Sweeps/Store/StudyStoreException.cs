namespace Ml.BatchNorm.Sweeps;

/// <summary>A study store refused or failed an operation; the message says where and why.</summary>
public sealed class StudyStoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    public StudyStoreException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
