namespace Ml.BatchNorm.Sweeps;

/// <summary>One trial as stored.</summary>
public sealed record TrialRecord
{
    /// <summary>The store's id (unique across studies).</summary>
    public required long Id { get; init; }

    /// <summary>The trial's number in its study, from 0, never reused.</summary>
    public required int Number { get; init; }

    /// <summary>Its state.</summary>
    public required TrialState State { get; init; }

    /// <summary>Its parameter values.</summary>
    public required TrialParameters Parameters { get; init; }

    /// <summary>The tuner's proposal index that produced it; null for a retry (which repeats an earlier proposal).</summary>
    public int? Proposal { get; init; }

    /// <summary>The number of the failed trial this one retries; null for a first attempt.</summary>
    public int? RetryOf { get; init; }

    /// <summary>1 for a first attempt, 2 for its first retry, ….</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The number of the first attempt: retries share its checkpoint folder and resume from it.</summary>
    public int CheckpointKey { get; init; }

    /// <summary>The worker holding or last holding it.</summary>
    public string? Worker { get; init; }

    /// <summary>The final value (complete), or the last intermediate value (pruned).</summary>
    public double? Value { get; init; }

    /// <summary>Why it failed.</summary>
    public string? Error { get; init; }

    /// <summary>Intermediate values by step (epoch), written as reported.</summary>
    public IReadOnlyDictionary<int, double> Intermediate { get; init; } = new SortedDictionary<int, double>();

    /// <summary>When it started running (UTC), if it has.</summary>
    public DateTimeOffset? Started { get; init; }

    /// <summary>When it finished (UTC), if it has.</summary>
    public DateTimeOffset? Finished { get; init; }

    /// <summary>Complete or pruned: what the trial budget counts.</summary>
    public bool IsFinished => State is TrialState.Complete or TrialState.Pruned;
}
