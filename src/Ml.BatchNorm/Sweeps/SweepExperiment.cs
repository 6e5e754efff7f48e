namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// A hyper-parameter sweep in ML.NET AutoML's fluent shape, over a durable study that any number of
/// processes (on any number of machines, through PostgreSQL) may join:
/// <code>
/// var result = await new SweepExperiment()
///     .SetStorage("sweeps.db").SetStudyName("bn-cnn")
///     .SetSearchSpace(BatchNormCnnSearchSpace.Default())
///     .SetObjective(objective).SetMetric(SweepMetric.MicroAccuracy)
///     .SetTuner(new TpeTuner(seed: 1)).SetPruner(new MedianPruner())
///     .SetTrialBudget(40).SetParallelWorkers(2)
///     .RunAsync(cancellationToken);
/// </code>
/// Parallel workers run in this process, each trial on its own task; libtorch's thread settings are
/// process-wide, so an objective should give each trial cores / workers threads.
/// </summary>
public sealed class SweepExperiment
{
    internal IStudyStore? Store { get; private set; }

    internal bool OwnsStore { get; private set; }

    internal string StudyName { get; private set; } = "default";

    internal SearchSpace? Space { get; private set; }

    internal ITrialObjective? Objective { get; private set; }

    internal SweepMetric Metric { get; private set; } = SweepMetric.MicroAccuracy;

    internal ITuner Tuner { get; private set; } = new RandomTuner();

    internal IPruner Pruner { get; private set; } = new NoPruner();

    internal int? TrialBudget { get; private set; }

    internal TimeSpan? TimeBudget { get; private set; }

    internal int ParallelWorkers { get; private set; } = 1;

    internal int MaxEpochs { get; private set; } = 3;

    internal SweepFailurePolicy FailurePolicy { get; private set; } = SweepFailurePolicy.Continue;

    internal ISweepObserver? Observer { get; private set; }

    internal TimeSpan HeartbeatInterval { get; private set; } = TimeSpan.FromSeconds(5);

    internal TimeSpan StaleAfter { get; private set; } = TimeSpan.FromSeconds(30);

    internal int MaxRetries { get; private set; } = 1;

    internal string CheckpointRoot { get; private set; } = Path.Combine(Path.GetTempPath(), "mlbn-sweep-checkpoints");

    internal string WorkerPrefix { get; private set; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>The study store, from a storage string (<see cref="StudyStorage.Open"/>); the experiment disposes it.</summary>
    public SweepExperiment SetStorage(string storage)
    {
        Store = StudyStorage.Open(storage, maxPoolSize: Math.Max(10, ParallelWorkers * 3));
        OwnsStore = true;
        return this;
    }

    /// <summary>A study store the caller owns.</summary>
    public SweepExperiment SetStore(IStudyStore store)
    {
        Store = store ?? throw new ArgumentNullException(nameof(store));
        OwnsStore = false;
        return this;
    }

    /// <summary>The study's name: processes using the same store and name share one study. Default "default".</summary>
    public SweepExperiment SetStudyName(string name)
    {
        StudyName = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("The study name must not be empty.", nameof(name)) : name;
        return this;
    }

    /// <summary>The search space (stored with the study; reopening with another one is an error).</summary>
    public SweepExperiment SetSearchSpace(SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(space);
        Space = space.Parameters.Count == 0 ? throw new ArgumentException("The search space has no parameters.", nameof(space)) : space;
        return this;
    }

    /// <summary>What a trial runs.</summary>
    public SweepExperiment SetObjective(ITrialObjective objective)
    {
        Objective = objective ?? throw new ArgumentNullException(nameof(objective));
        return this;
    }

    /// <summary>The metric (and so the direction). Default micro accuracy.</summary>
    public SweepExperiment SetMetric(SweepMetric metric)
    {
        Metric = Enum.IsDefined(metric) ? metric : throw new ArgumentOutOfRangeException(nameof(metric), metric, "Unknown metric.");
        return this;
    }

    /// <summary>The tuner. Default <see cref="RandomTuner"/> with seed 1.</summary>
    public SweepExperiment SetTuner(ITuner tuner)
    {
        Tuner = tuner ?? throw new ArgumentNullException(nameof(tuner));
        return this;
    }

    /// <summary>The pruner. Default none.</summary>
    public SweepExperiment SetPruner(IPruner pruner)
    {
        Pruner = pruner ?? throw new ArgumentNullException(nameof(pruner));
        return this;
    }

    /// <summary>Stop when the study has this many finished (complete or pruned) trials, counting every worker's.</summary>
    public SweepExperiment SetTrialBudget(int trials)
    {
        TrialBudget = trials < 0 ? throw new ArgumentOutOfRangeException(nameof(trials), trials, "The trial budget must not be negative.") : trials;
        return this;
    }

    /// <summary>
    /// Wall time for this run: when it is up, running trials are cancelled and given back to the queue
    /// (resumable from their checkpoints) and no new trial starts.
    /// </summary>
    public SweepExperiment SetTimeBudget(TimeSpan time)
    {
        TimeBudget = time < TimeSpan.Zero ? throw new ArgumentOutOfRangeException(nameof(time), time, "The time budget must not be negative.") : time;
        return this;
    }

    /// <summary>Trials run at once in this process. Default 1.</summary>
    public SweepExperiment SetParallelWorkers(int workers)
    {
        ParallelWorkers = workers < 1 ? throw new ArgumentOutOfRangeException(nameof(workers), workers, "At least one parallel worker.") : workers;
        return this;
    }

    /// <summary>The resource: epochs of an unpruned trial. Default 3.</summary>
    public SweepExperiment SetMaxEpochs(int epochs)
    {
        MaxEpochs = epochs < 1 ? throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "Max epochs must be at least 1.") : epochs;
        return this;
    }

    /// <summary>What failures do. Default: continue.</summary>
    public SweepExperiment SetFailurePolicy(SweepFailurePolicy policy)
    {
        FailurePolicy = policy ?? throw new ArgumentNullException(nameof(policy));
        return this;
    }

    /// <summary>Progress callbacks.</summary>
    public SweepExperiment SetObserver(ISweepObserver observer)
    {
        Observer = observer;
        return this;
    }

    /// <summary>Heartbeat period (default 5 s) and the silence after which a running trial is failed and retried (default 30 s).</summary>
    public SweepExperiment SetHeartbeat(TimeSpan interval, TimeSpan staleAfter)
    {
        if (interval <= TimeSpan.Zero || staleAfter <= interval)
        {
            throw new ArgumentOutOfRangeException(nameof(staleAfter), $"The heartbeat interval must be positive and shorter than the stale period; got {interval} and {staleAfter}.");
        }

        (HeartbeatInterval, StaleAfter) = (interval, staleAfter);
        return this;
    }

    /// <summary>Retries of a trial whose worker stopped beating (each as a new trial number). Default 1.</summary>
    public SweepExperiment SetMaxRetries(int retries)
    {
        MaxRetries = retries < 0 ? throw new ArgumentOutOfRangeException(nameof(retries), retries, "Retries must not be negative.") : retries;
        return this;
    }

    /// <summary>Where trials keep their checkpoints: FOLDER/STUDY/trial-N. Default a folder under the temporary path.</summary>
    public SweepExperiment SetCheckpointFolder(string folder)
    {
        CheckpointRoot = string.IsNullOrWhiteSpace(folder) ? throw new ArgumentException("The checkpoint folder must not be empty.", nameof(folder)) : folder;
        return this;
    }

    /// <summary>The name workers of this process store on their trials (default MACHINE:PID); a slot suffix is added.</summary>
    public SweepExperiment SetWorkerName(string name)
    {
        WorkerPrefix = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("The worker name must not be empty.", nameof(name)) : name;
        return this;
    }

    /// <summary>
    /// Runs workers until the budget is reached (by every process together), the tuner is exhausted, the
    /// time is up, the failure policy stops them, or <paramref name="cancellationToken"/> is cancelled
    /// (running trials then go back to the queue; the result says why it stopped). Returns every trial of
    /// the study and the best one.
    /// </summary>
    public async Task<SweepResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var store = Store ?? throw new InvalidOperationException("SweepExperiment: call SetStorage or SetStore before RunAsync.");
        var space = Space ?? throw new InvalidOperationException("SweepExperiment: call SetSearchSpace before RunAsync.");
        var objective = Objective ?? throw new InvalidOperationException("SweepExperiment: call SetObjective before RunAsync.");
        try
        {
            var study = await store.OpenStudyAsync(StudyName, space, Metric.Direction(), cancellationToken).ConfigureAwait(false);
            var run = new SweepRun(this, store, study, space, objective);
            string reason = await run.RunAsync(cancellationToken).ConfigureAwait(false);
            var trials = await store.GetTrialsAsync(study.Id, CancellationToken.None).ConfigureAwait(false);
            return new SweepResult(study, trials, SweepResult.BestOf(trials, study.Direction), reason);
        }
        finally
        {
            if (OwnsStore)
            {
                await store.DisposeAsync().ConfigureAwait(false);
                Store = null;
            }
        }
    }
}
