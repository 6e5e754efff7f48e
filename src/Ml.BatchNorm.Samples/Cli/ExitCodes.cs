namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Process exit codes of <c>mlbn</c>.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int RuntimeError = 1;
    public const int UsageError = 2;
}
