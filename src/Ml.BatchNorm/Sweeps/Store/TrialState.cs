namespace Ml.BatchNorm.Sweeps;

/// <summary>Where a trial stands. Stored as lower-case text.</summary>
public enum TrialState
{
    /// <summary>Waiting for a worker (a retry, or a trial a cancelled worker gave back).</summary>
    Queued,

    /// <summary>A worker holds it and beats its heartbeat.</summary>
    Running,

    /// <summary>Finished with a final value.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; its last intermediate value is its value.</summary>
    Pruned,

    /// <summary>Threw, or its worker stopped beating. Its error text says which.</summary>
    Failed,
}
