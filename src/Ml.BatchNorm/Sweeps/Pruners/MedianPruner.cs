namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Stops a trial whose value at a step is worse than the median of the completed trials' values at that
/// step. Nothing is pruned before <c>startupTrials</c> trials have completed, nor at steps up to
/// <c>warmupSteps</c> (the first epochs say little), nor at a step fewer than one completed trial reached.
/// </summary>
public sealed class MedianPruner : IPruner
{
    private readonly int _startupTrials;
    private readonly int _warmupSteps;

    /// <summary>A median pruner.</summary>
    public MedianPruner(int startupTrials = 5, int warmupSteps = 0)
    {
        if (startupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "The median pruner's start-up trials must not be negative.");
        }

        if (warmupSteps < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "The median pruner's warm-up steps must not be negative.");
        }

        _startupTrials = startupTrials;
        _warmupSteps = warmupSteps;
    }

    /// <inheritdoc/>
    public string Name => "median";

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        if (step <= _warmupSteps || !trial.Intermediate.TryGetValue(step, out double value))
        {
            return false;
        }

        if (double.IsNaN(value))
        {
            return true;
        }

        var completed = history.Where(t => t.State == TrialState.Complete && t.Id != trial.Id).ToList();
        if (completed.Count < Math.Max(_startupTrials, 1))
        {
            return false;
        }

        var others = completed.Where(t => t.Intermediate.ContainsKey(step)).Select(t => t.Intermediate[step]).Order().ToArray();
        if (others.Length == 0)
        {
            return false;
        }

        double median = others.Length % 2 == 1 ? others[others.Length / 2] : 0.5 * (others[(others.Length / 2) - 1] + others[others.Length / 2]);
        return direction.IsBetter(median, value);
    }
}
