namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Proposes the parameters of a new trial from the study's history: a deterministic function of the
/// proposal index (0, 1, … across the study, retries excluded) and the stored trials. Null: the tuner
/// has nothing left (a finished grid).
/// </summary>
public delegate TrialParameters? TrialProposer(int proposalIndex, IReadOnlyList<TrialRecord> history);

/// <summary>What a worker asks of <see cref="IStudyStore.ClaimAsync"/>.</summary>
public sealed record ClaimRequest
{
    /// <summary>The worker's name, stored on the trial it claims.</summary>
    public required string Worker { get; init; }

    /// <summary>Makes new trials when none is queued.</summary>
    public required TrialProposer Propose { get; init; }

    /// <summary>Finished (complete + pruned) trials the study stops at; null for no limit.</summary>
    public int? TrialBudget { get; init; }

    /// <summary>A running trial whose heartbeat is older than this is failed (and retried).</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Retries of a trial whose worker stopped beating; 0 for none.</summary>
    public int MaxRetries { get; init; } = 1;
}

/// <summary>What a claim yields.</summary>
public enum ClaimStatus
{
    /// <summary>A trial is now running under this worker.</summary>
    Claimed,

    /// <summary>Nothing to do now, but running trials may still fail and need a replacement: poll again.</summary>
    Wait,

    /// <summary>The study is done: budget reached (or tuner exhausted) and nothing running or queued.</summary>
    Done,
}

/// <summary>The outcome of a claim: a status and, when claimed, the trial.</summary>
public sealed record ClaimResult(ClaimStatus Status, TrialRecord? Trial);
