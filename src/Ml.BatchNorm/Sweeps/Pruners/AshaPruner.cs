namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Asynchronous successive halving (Li et al., 2020) on epochs: rungs at minResource·η^k epochs; a trial
/// reaching a rung continues only if its value there is in the top 1/η of every value recorded at that
/// rung so far (running trials included: no trial waits for others). While fewer than η values are at a
/// rung, only a trial that is the best there continues, as Optuna does; ties go to the earlier trial.
/// </summary>
public sealed class AshaPruner : IPruner
{
    private readonly int _minResource;
    private readonly int _reductionFactor;

    /// <summary>An ASHA pruner.</summary>
    public AshaPruner(int minResource = 1, int reductionFactor = 3)
    {
        if (minResource < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minResource), minResource, "ASHA's minimum resource must be at least one epoch.");
        }

        if (reductionFactor < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(reductionFactor), reductionFactor, "ASHA's reduction factor must be at least 2.");
        }

        _minResource = minResource;
        _reductionFactor = reductionFactor;
    }

    /// <inheritdoc/>
    public string Name => "asha";

    /// <summary>True when <paramref name="step"/> is a rung: minResource·η^k.</summary>
    public bool IsRung(int step)
    {
        for (long r = _minResource; r <= step; r *= _reductionFactor)
        {
            if (r == step)
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        if (!trial.Intermediate.TryGetValue(step, out double value))
        {
            return false;
        }

        if (double.IsNaN(value))
        {
            return true;
        }

        if (!IsRung(step))
        {
            return false;
        }

        // Rank among every value at this rung; equal values rank by trial number (earlier first), so a
        // run of trials stuck at the same value (chance accuracy) does not promote them all.
        double loss = direction.AsLoss(value);
        var competing = history.Where(t => t.Id != trial.Id && t.Intermediate.ContainsKey(step))
            .Select(t => (Loss: direction.AsLoss(t.Intermediate[step]), t.Number)).ToList();
        int rank = competing.Count(c => c.Loss < loss || (c.Loss == loss && c.Number < trial.Number));
        int promotable = Math.Max((competing.Count + 1) / _reductionFactor, 1);
        return rank >= promotable;
    }
}
