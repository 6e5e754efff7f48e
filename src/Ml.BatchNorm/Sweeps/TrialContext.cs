namespace Ml.BatchNorm.Sweeps;

/// <summary>What an objective gets for one trial: its parameters, where to checkpoint, how to report, when to stop.</summary>
public sealed class TrialContext
{
    private readonly Func<int, double, Task<bool>> _report;

    internal TrialContext(TrialRecord trial, SweepMetric metric, int maxEpochs, string checkpointFolder, Func<int, double, Task<bool>> report, CancellationToken cancellationToken)
    {
        Trial = trial;
        Metric = metric;
        MaxEpochs = maxEpochs;
        CheckpointFolder = checkpointFolder;
        _report = report;
        CancellationToken = cancellationToken;
    }

    /// <summary>The trial as claimed (number, attempt, parameters).</summary>
    public TrialRecord Trial { get; }

    /// <summary>The trial's parameters.</summary>
    public TrialParameters Parameters => Trial.Parameters;

    /// <summary>The metric to report and return.</summary>
    public SweepMetric Metric { get; }

    /// <summary>The resource: epochs a trial trains for when not pruned.</summary>
    public int MaxEpochs { get; }

    /// <summary>
    /// A folder for this trial's checkpoints, shared by its retries (keyed by the first attempt's number),
    /// created before the objective runs. A checkpoint found here means: resume from it.
    /// </summary>
    public string CheckpointFolder { get; }

    /// <summary>Cancelled when the sweep is cancelled or out of time, or the trial was taken from this worker; stop within one mini-batch.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The values reported so far in this attempt, by step.</summary>
    public IReadOnlyDictionary<int, double> Reported => _reported;

    private readonly SortedDictionary<int, double> _reported = [];

    /// <summary>
    /// Stores an intermediate value (written at once) and asks the pruner; throws
    /// <see cref="TrialPrunedException"/> when the trial should stop.
    /// </summary>
    public void Report(int step, double value) => ReportAsync(step, value).GetAwaiter().GetResult();

    /// <summary>The asynchronous form of <see cref="Report"/>.</summary>
    public async Task ReportAsync(int step, double value)
    {
        if (step < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "Steps (epochs) are reported from 1.");
        }

        _reported[step] = value;
        if (await _report(step, value).ConfigureAwait(false))
        {
            throw new TrialPrunedException(Trial.Number, step, value);
        }
    }
}
