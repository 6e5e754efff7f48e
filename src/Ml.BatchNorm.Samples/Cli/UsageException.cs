namespace Ml.BatchNorm.Samples.Cli;

/// <summary>A command line that parses but asks for something inconsistent; exits with <see cref="ExitCodes.UsageError"/>.</summary>
internal sealed class UsageException(string message) : Exception(message);
