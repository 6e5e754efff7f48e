namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// A durable study store shared by every worker of a study: each state change and intermediate value is
/// written when it happens, in its own short transaction. <see cref="StudyStorage.Open"/> picks SQLite
/// or PostgreSQL from a storage string.
/// </summary>
public interface IStudyStore : IAsyncDisposable
{
    /// <summary>A human-readable name of where the store lives (a file, a host), for messages.</summary>
    string Location { get; }

    /// <summary>
    /// Opens a study, creating it if absent. An existing study must have been created with the same
    /// search space and direction; otherwise <see cref="StudyStoreException"/> names the difference.
    /// </summary>
    Task<StudyInfo> OpenStudyAsync(string name, SearchSpace space, StudyDirection direction, CancellationToken cancellationToken = default);

    /// <summary>An existing study, or null.</summary>
    Task<StudyInfo?> FindStudyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>
    /// Atomically: fails running trials whose heartbeat is stale (queueing retries), claims the first
    /// queued trial, or, within the budget, inserts a new trial proposed from the history.
    /// </summary>
    Task<ClaimResult> ClaimAsync(StudyInfo study, ClaimRequest request, CancellationToken cancellationToken = default);

    /// <summary>Beats a running trial's heartbeat. False when the worker no longer holds it (it was failed as stale).</summary>
    Task<bool> HeartbeatAsync(long trialId, string worker, CancellationToken cancellationToken = default);

    /// <summary>Stores an intermediate value (replacing one at the same step, which a resumed trial repeats).</summary>
    Task ReportAsync(long trialId, int step, double value, CancellationToken cancellationToken = default);

    /// <summary>Ends a running trial held by this worker. False when it no longer holds it.</summary>
    Task<bool> FinishAsync(long trialId, string worker, TrialState state, double? value, string? error, CancellationToken cancellationToken = default);

    /// <summary>Gives a running trial back to the queue under its number (its worker was cancelled; it resumes from its checkpoint).</summary>
    Task ReleaseAsync(long trialId, string worker, CancellationToken cancellationToken = default);

    /// <summary>Every trial of a study with its parameters and intermediate values, by number; a consistent snapshot.</summary>
    Task<IReadOnlyList<TrialRecord>> GetTrialsAsync(long studyId, CancellationToken cancellationToken = default);
}
