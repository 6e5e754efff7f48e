using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>The rules a batch-normalization layer's statistics follow: shapes, guards, decays and renorm limits.</summary>
internal static class BatchNormStatistics
{
    /// <summary>Dimensions reduced for per-channel statistics: all but dimension 1.</summary>
    public static long[] ReduceDimensions(Tensor x) => x.dim() == 2 ? [0L] : [0L, .. Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d)];

    /// <summary>Shape that broadcasts a per-channel vector against <paramref name="x"/>.</summary>
    public static long[] ChannelView(Tensor x)
    {
        var view = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        view[1] = -1;
        return view;
    }

    /// <summary>
    /// Batch statistics from fewer than two values per channel are degenerate (zero variance, NaN
    /// unbiased variance): refuse them with a message rather than train on NaN.
    /// </summary>
    /// <param name="label">The layer, as messages name it.</param>
    /// <param name="x">The batch.</param>
    /// <param name="ghostSize">Ghost batch size in effect, 0 when the batch is one ghost batch.</param>
    public static void RequireTwoValues(string label, Tensor x, int ghostSize)
    {
        long batch = x.shape[0];
        long spatial = batch == 0 ? 0 : x.numel() / Math.Max(x.shape[1], 1) / batch;
        if (ghostSize > 0 && ghostSize < batch)
        {
            long ghosts = (batch + ghostSize - 1) / ghostSize;
            long last = batch - ((ghosts - 1) * ghostSize);
            if (last * spatial < 2)
            {
                throw new ArgumentException(
                    $"{label} in training mode sees {last * spatial} value per channel in ghost batch {ghosts} of {ghosts} ({last} example of a batch of {batch}, ghost batch size {ghostSize}); " +
                    "batch statistics need at least two. Choose a batch size that leaves the last ghost batch at least two examples.",
                    nameof(x));
            }

            return;
        }

        long perChannel = batch * spatial;
        if (perChannel < 2)
        {
            throw new ArgumentException(
                $"{label} in training mode sees {perChannel} value per channel (batch of {batch}); batch statistics need at least two. " +
                "Use a larger batch, or drop or merge the last partial batch.",
                nameof(x));
        }
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> when the proposed moving statistics are not all finite.</summary>
    public static void RequireFinite(string label, Tensor mean, Tensor variance)
    {
        if (!mean.isfinite().all().item<bool>() || !variance.isfinite().all().item<bool>())
        {
            throw new InvalidOperationException(NotFiniteMessage(label));
        }
    }

    /// <summary>What a layer says when an update would make its moving statistics NaN or infinite.</summary>
    public static string NotFiniteMessage(string label) =>
        $"{label}: the moving statistics would become NaN or infinite (the layer's input is not finite: training has diverged); they were left unchanged.";

    /// <summary>The weight kept on the old moving statistics at update <paramref name="t"/> (updates before this one).</summary>
    public static double Decay(BatchNormOptions options, double t) => options.MovingStatistics switch
    {
        // TensorFlow's ExponentialMovingAverage with num_updates: no early bias towards the initial values.
        MovingStatistics.ExponentialAverageWithWarmUp => Math.Min(options.MovingAverageDecay, (1.0 + t) / (10.0 + t)),

        // The exact mean of the t + 1 batch statistics.
        MovingStatistics.CumulativeAverage => t / (t + 1.0),
        _ => options.MovingAverageDecay,
    };

    /// <summary>
    /// Renorm's rmax and dmax at update <paramref name="t"/>: they ramp linearly from 1 and 0 to their
    /// targets over RenormWarmUpSteps updates. (1, 0) without renorm.
    /// </summary>
    public static (double MaxR, double MaxD) RenormLimits(BatchNormOptions options, double t)
    {
        if (!options.Renorm)
        {
            return (1, 0);
        }

        double ramp = options.RenormWarmUpSteps > 0 ? Math.Min(t / options.RenormWarmUpSteps, 1.0) : 1.0;
        return (1.0 + ((options.RenormMaxR - 1.0) * ramp), options.RenormMaxD * ramp);
    }
}
