namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// What a failed trial (one whose objective threw) does to the sweep. Its exception text is stored either
/// way; failed trials do not count against the trial budget.
/// </summary>
public sealed record SweepFailurePolicy
{
    /// <summary>Stop this process's workers after this many consecutive failures; null: never stop.</summary>
    public int? StopAfterConsecutiveFailures { get; init; }

    /// <summary>Keep going whatever fails.</summary>
    public static SweepFailurePolicy Continue { get; } = new();

    /// <summary>Stop after <paramref name="failures"/> failures in a row.</summary>
    public static SweepFailurePolicy StopAfter(int failures) => failures < 1
        ? throw new ArgumentOutOfRangeException(nameof(failures), failures, "Stop after at least one consecutive failure.")
        : new SweepFailurePolicy { StopAfterConsecutiveFailures = failures };
}
