namespace Ml.BatchNorm.Sweeps;

/// <summary>Thrown by <see cref="TrialContext.Report"/> when the pruner stops the trial; let it propagate.</summary>
public sealed class TrialPrunedException : Exception
{
    /// <summary>Creates the exception for a trial pruned at a step.</summary>
    public TrialPrunedException(int number, int step, double value)
        : base($"Trial {number} was pruned at step {step} (value {value}).")
    {
        Step = step;
        Value = value;
    }

    /// <summary>The step it was pruned at.</summary>
    public int Step { get; }

    /// <summary>Its value there.</summary>
    public double Value { get; }
}
