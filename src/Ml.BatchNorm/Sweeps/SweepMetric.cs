namespace Ml.BatchNorm.Sweeps;

/// <summary>The validation metric a sweep optimizes (ML.NET's multiclass metrics).</summary>
public enum SweepMetric
{
    /// <summary>Fraction of rows classified correctly; maximized.</summary>
    MicroAccuracy,

    /// <summary>Mean of the per-class accuracies; maximized.</summary>
    MacroAccuracy,

    /// <summary>Mean negative log-likelihood of the true class; minimized.</summary>
    LogLoss,
}

/// <summary>Directions of the metrics.</summary>
public static class SweepMetricExtensions
{
    /// <summary>Maximize accuracies, minimize log loss.</summary>
    public static StudyDirection Direction(this SweepMetric metric) =>
        metric == SweepMetric.LogLoss ? StudyDirection.Minimize : StudyDirection.Maximize;
}
