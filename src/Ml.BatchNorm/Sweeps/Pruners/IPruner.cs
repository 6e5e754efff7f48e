namespace Ml.BatchNorm.Sweeps;

/// <summary>Decides, after each reported intermediate value, whether a trial should stop early.</summary>
public interface IPruner
{
    /// <summary>A name for messages and the command line ("none", "median", "asha").</summary>
    string Name { get; }

    /// <summary>
    /// True to stop <paramref name="trial"/> now. Its <see cref="TrialRecord.Intermediate"/> already holds
    /// <paramref name="step"/>'s value; <paramref name="history"/> is the study as stored (it may include the trial).
    /// </summary>
    bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> history, StudyDirection direction);
}

/// <summary>Never prunes.</summary>
public sealed class NoPruner : IPruner
{
    /// <inheritdoc/>
    public string Name => "none";

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> history, StudyDirection direction) => false;
}
