namespace Ml.BatchNorm.Pipeline;

/// <summary>How a <see cref="NormalizingEstimator"/> turns per-slot statistics into a mapping.</summary>
public enum NormalizerMode
{
    /// <summary>From the observed minimum and maximum (ML.NET's NormalizeMinMax).</summary>
    MinMax,

    /// <summary>From the mean and the population variance (ML.NET's NormalizeMeanVariance).</summary>
    MeanVariance,
}
