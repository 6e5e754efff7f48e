namespace Ml.BatchNorm.Sweeps;

/// <summary>One <see cref="SweepExperiment.RunAsync"/>: its workers, their trials, heartbeats and stop conditions.</summary>
internal sealed class SweepRun
{
    private readonly SweepExperiment _experiment;
    private readonly IStudyStore _store;
    private readonly StudyInfo _study;
    private readonly SearchSpace _space;
    private readonly ITrialObjective _objective;
    private readonly object _gate = new();
    private int _consecutiveFailures;
    private string? _stopReason;

    public SweepRun(SweepExperiment experiment, IStudyStore store, StudyInfo study, SearchSpace space, ITrialObjective objective)
    {
        (_experiment, _store, _study, _space, _objective) = (experiment, store, study, space, objective);
    }

    /// <summary>Runs the workers; returns why they stopped.</summary>
    public async Task<string> RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (_experiment.TimeBudget is { } time)
        {
            stop.CancelAfter(time);
        }

        var workers = Enumerable.Range(0, _experiment.ParallelWorkers)
            .Select(slot => Task.Run(() => WorkAsync($"{_experiment.WorkerPrefix}:{slot}:{Guid.NewGuid().ToString("N")[..6]}", stop), CancellationToken.None))
            .ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        return _stopReason
            ?? (cancellationToken.IsCancellationRequested ? "cancelled (running trials were given back to the queue)"
            : stop.IsCancellationRequested ? "time budget reached (running trials were given back to the queue)"
            : "trial budget reached or tuner exhausted");
    }

    private async Task WorkAsync(string worker, CancellationTokenSource stop)
    {
        var request = new ClaimRequest
        {
            Worker = worker,
            Propose = (index, history) => _experiment.Tuner.Propose(_space, index, history, _study.Direction),
            TrialBudget = _experiment.TrialBudget,
            StaleAfter = _experiment.StaleAfter,
            MaxRetries = _experiment.MaxRetries,
        };
        var poll = TimeSpan.FromMilliseconds(Math.Clamp(_experiment.HeartbeatInterval.TotalMilliseconds / 2, 50, 2000));
        while (!stop.IsCancellationRequested && _stopReason is null)
        {
            ClaimResult claim;
            try
            {
                claim = await _store.ClaimAsync(_study, request, stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }

            switch (claim.Status)
            {
                case ClaimStatus.Done:
                    return;
                case ClaimStatus.Wait:
                    try
                    {
                        await Task.Delay(poll, stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }

                    continue;
                default:
                    await RunTrialAsync(claim.Trial!, worker, stop).ConfigureAwait(false);
                    break;
            }
        }
    }

    private async Task RunTrialAsync(TrialRecord trial, string worker, CancellationTokenSource stop)
    {
        using var lost = new CancellationTokenSource();
        using var trialToken = CancellationTokenSource.CreateLinkedTokenSource(stop.Token, lost.Token);
        using var beating = new CancellationTokenSource();
        var heartbeat = BeatAsync(trial.Id, worker, lost, beating.Token);
        string folder = Path.Combine(_experiment.CheckpointRoot, Sanitize(_study.Name), $"trial-{trial.CheckpointKey}");
        Directory.CreateDirectory(folder);
        _experiment.Observer?.TrialStarted(trial);

        TrialState state;
        double? value = null;
        string? error = null;
        try
        {
            var context = new TrialContext(trial, _experiment.Metric, _experiment.MaxEpochs, folder,
                (step, v) => ReportAsync(trial, step, v), trialToken.Token);
            value = await _objective.RunAsync(context).ConfigureAwait(false);
            state = TrialState.Complete;
        }
        catch (TrialPrunedException e)
        {
            (state, value) = (TrialState.Pruned, e.Value);
        }
        catch (OperationCanceledException) when (trialToken.IsCancellationRequested)
        {
            await beating.CancelAsync().ConfigureAwait(false);
            await heartbeat.ConfigureAwait(false);
            if (!lost.IsCancellationRequested)
            {
                // Cancelled or out of time: back to the queue under its number, to resume from its checkpoint.
                await _store.ReleaseAsync(trial.Id, worker, CancellationToken.None).ConfigureAwait(false);
            }

            _experiment.Observer?.TrialEnded(trial with { State = TrialState.Queued });
            return;
        }
        catch (Exception e)
        {
            (state, error) = (TrialState.Failed, e.ToString());
        }

        await beating.CancelAsync().ConfigureAwait(false);
        await heartbeat.ConfigureAwait(false);
        if (state == TrialState.Complete && value is double v2 && double.IsNaN(v2))
        {
            (state, error) = (TrialState.Failed, "the objective returned NaN");
        }

        bool held = await _store.FinishAsync(trial.Id, worker, state, value, error, CancellationToken.None).ConfigureAwait(false);
        _experiment.Observer?.TrialEnded(trial with { State = held ? state : TrialState.Failed, Value = value, Error = error });
        CountFailure(state == TrialState.Failed);
    }

    private async Task<bool> ReportAsync(TrialRecord trial, int step, double value)
    {
        await _store.ReportAsync(trial.Id, step, value, CancellationToken.None).ConfigureAwait(false);
        _experiment.Observer?.TrialReported(trial, step, value);
        // The last epoch's value is the trial's result: stopping there saves nothing, and would count a
        // trial that ran its whole budget as pruned.
        if (_experiment.Pruner is NoPruner || step >= _experiment.MaxEpochs)
        {
            return false;
        }

        var history = await _store.GetTrialsAsync(_study.Id, CancellationToken.None).ConfigureAwait(false);
        var current = history.FirstOrDefault(t => t.Id == trial.Id) ?? trial;
        return _experiment.Pruner.ShouldPrune(current, step, history, _study.Direction);
    }

    /// <summary>Beats until stopped; when the store says the trial is no longer ours (failed as stale), cancels it.</summary>
    private async Task BeatAsync(long trialId, string worker, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_experiment.HeartbeatInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    if (!await _store.HeartbeatAsync(trialId, worker, stop).ConfigureAwait(false))
                    {
                        await lost.CancelAsync().ConfigureAwait(false);
                        return;
                    }
                }
                catch (StudyStoreException)
                {
                    // A store briefly out of reach: the next beat tries again; only silence beyond the stale period fails the trial.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private void CountFailure(bool failed)
    {
        lock (_gate)
        {
            _consecutiveFailures = failed ? _consecutiveFailures + 1 : 0;
            if (_experiment.FailurePolicy.StopAfterConsecutiveFailures is int limit && _consecutiveFailures >= limit)
            {
                _stopReason ??= $"stopped after {_consecutiveFailures} consecutive failed trials (failure policy)";
            }
        }
    }

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
