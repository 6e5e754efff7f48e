namespace Ml.BatchNorm.Engine;

/// <summary>How a batch-normalization layer averages batch statistics into its moving statistics (training mode only).</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(System.Text.Json.Serialization.JsonStringEnumConverter<MovingStatistics>))]
public enum MovingStatistics
{
    /// <summary>m = decay * m + (1 - decay) * batch, every training step (TensorFlow's decay meaning).</summary>
    ExponentialAverage = 0,

    /// <summary>
    /// As <see cref="ExponentialAverage"/> with the decay at update t (t = updates before this one,
    /// counted in the statistic "i.num_batches_tracked") replaced by min(decay, (1 + t) / (10 + t)),
    /// as TensorFlow's ExponentialMovingAverage does with num_updates: 0.1 at t = 0, 2/11 at t = 1,
    /// 0.55 at t = 10, so the initial values stop dominating after the first steps.
    /// </summary>
    ExponentialAverageWithWarmUp = 1,

    /// <summary>
    /// The exact mean over every training batch seen so far: the moving mean is the mean of the batch
    /// means and the moving variance the mean of the unbiased batch variances (decay t / (t + 1) at
    /// update t, so the initial values are ignored). The count is the statistic "i.num_batches_tracked".
    /// </summary>
    CumulativeAverage = 2,
}
