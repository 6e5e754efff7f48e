namespace Ml.BatchNorm.Sweeps;

/// <summary>Progress of a sweep, called from worker threads (implementations must be thread-safe). Every member is optional.</summary>
public interface ISweepObserver
{
    /// <summary>A worker of this process started (or resumed) a trial.</summary>
    void TrialStarted(TrialRecord trial)
    {
    }

    /// <summary>A trial reported an intermediate value.</summary>
    void TrialReported(TrialRecord trial, int step, double value)
    {
    }

    /// <summary>A trial of this process ended: complete, pruned, failed, or given back to the queue (cancelled).</summary>
    void TrialEnded(TrialRecord trial)
    {
    }
}
