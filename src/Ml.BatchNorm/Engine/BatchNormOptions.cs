namespace Ml.BatchNorm.Engine;

/// <summary>
/// Options of one batch-normalization layer. <see cref="MovingAverageDecay"/> has TensorFlow's
/// meaning (the weight kept on the old moving average, e.g. 0.95 or 0.999); a PyTorch-style
/// momentum (the weight given to the new batch, e.g. 0.1) is accepted only through
/// <see cref="FromPyTorchMomentum"/>.
/// </summary>
public sealed record BatchNormOptions
{
    /// <summary>Weight kept on the old moving average at each training step, in [0, 1). Default 0.95 (the seed's value: the averages warm up within tens of steps).</summary>
    public double MovingAverageDecay { get; init; } = 0.95;

    /// <summary>Added to the variance before the square root. Default 1e-3 (TensorFlow's).</summary>
    public double Epsilon { get; init; } = 1e-3;

    /// <summary>Learn a shift (beta). Default on.</summary>
    public bool Center { get; init; } = true;

    /// <summary>Learn a scale (gamma). Default off, as slim's batch_norm in the seed network.</summary>
    public bool Scale { get; init; }

    /// <summary>How the moving statistics average the batch statistics. Default <see cref="Engine.MovingStatistics.ExponentialAverage"/>.</summary>
    public MovingStatistics MovingStatistics { get; init; } = MovingStatistics.ExponentialAverage;

    /// <summary>Initial gamma (when <see cref="Scale"/> is on). Default 1.</summary>
    public double GammaInitialValue { get; init; } = 1;

    /// <summary>Initial beta (when <see cref="Center"/> is on). Default 0.</summary>
    public double BetaInitialValue { get; init; }

    /// <summary>Initial moving mean. Default 0.</summary>
    public double MovingMeanInitialValue { get; init; }

    /// <summary>Initial moving variance, at least 0. Default 1.</summary>
    public double MovingVarianceInitialValue { get; init; } = 1;

    /// <summary>L2 coefficient on gamma: the loss gains GammaL2 / 2 * sum(gamma^2), so gamma's gradient gains GammaL2 * gamma (the reported loss leaves the term out). Default 0.</summary>
    public double GammaL2 { get; init; }

    /// <summary>L2 coefficient on beta, as <see cref="GammaL2"/>. Default 0.</summary>
    public double BetaL2 { get; init; }

    /// <summary>
    /// Batch renormalization (Ioffe 2017): in training mode y = gamma * ((x - mu_B) / sigma_B * r + d) + beta
    /// with r = clip(sigma_B / sigma, 1/rmax, rmax) and d = clip((mu_B - mu) / sigma, -dmax, dmax), both
    /// treated as constants by the backward pass. sigma_B = sqrt(biased batch variance + epsilon); mu and
    /// sigma are the statistics "i.renorm_mean" and "i.renorm_std", exponential averages (decay
    /// <see cref="RenormMovingAverageDecay"/>) of mu_B and sigma_B taken after r and d are computed. Inference
    /// uses the ordinary moving statistics. Default off.
    /// </summary>
    public bool Renorm { get; init; }

    /// <summary>Target rmax, at least 1. Default 3 (the paper's).</summary>
    public double RenormMaxR { get; init; } = 3;

    /// <summary>Target dmax, at least 0. Default 5 (the paper's).</summary>
    public double RenormMaxD { get; init; } = 5;

    /// <summary>
    /// Updates over which rmax ramps linearly from 1 and dmax from 0 to their targets: at update t (the
    /// layer's "i.num_batches_tracked" before the step) the fraction is min(t / steps, 1). 0 uses the
    /// targets from the first step. Default 0.
    /// </summary>
    public int RenormWarmUpSteps { get; init; }

    /// <summary>Decay (TensorFlow meaning) of the renorm mean and standard deviation that r and d use, in [0, 1). Default 0.99 (TensorFlow's renorm_momentum).</summary>
    public double RenormMovingAverageDecay { get; init; } = 0.99;

    /// <summary>
    /// Examples per virtual ("ghost") batch in training mode; 0 turns it off. The batch is split into
    /// consecutive ghost batches of this size, the last one smaller when the size does not divide the
    /// batch; each is normalized with its own statistics. The moving statistics are updated once per step
    /// with the unweighted mean over ghost batches of their means and of their unbiased variances. A ghost
    /// batch with fewer than two values per channel is an error. Default 0.
    /// </summary>
    public int GhostBatchSize { get; init; }

    /// <summary>Options whose decay is 1 - <paramref name="momentum"/>, for values taken from PyTorch code.</summary>
    public static BatchNormOptions FromPyTorchMomentum(double momentum)
    {
        if (!(momentum > 0 && momentum <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "A PyTorch batch-norm momentum (weight of the new batch) must be in (0, 1].");
        }

        return new BatchNormOptions { MovingAverageDecay = 1 - momentum };
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    public void Validate()
    {
        if (!(MovingAverageDecay >= 0 && MovingAverageDecay < 1))
        {
            throw new ArgumentException(
                $"{nameof(BatchNormOptions)}.{nameof(MovingAverageDecay)} must be in [0, 1) (TensorFlow meaning: the weight kept on the old average, e.g. 0.95); got {MovingAverageDecay}. For a PyTorch momentum use {nameof(BatchNormOptions)}.{nameof(FromPyTorchMomentum)}.",
                nameof(MovingAverageDecay));
        }

        if (!(Epsilon > 0) || double.IsInfinity(Epsilon))
        {
            throw new ArgumentException($"{nameof(BatchNormOptions)}.{nameof(Epsilon)} must be a positive number; got {Epsilon}.", nameof(Epsilon));
        }

        Require(Enum.IsDefined(MovingStatistics), nameof(MovingStatistics), $"must be one of {string.Join(", ", Enum.GetNames<MovingStatistics>())}; got {(int)MovingStatistics}");
        Require(double.IsFinite(GammaInitialValue), nameof(GammaInitialValue), $"must be finite; got {GammaInitialValue}");
        Require(double.IsFinite(BetaInitialValue), nameof(BetaInitialValue), $"must be finite; got {BetaInitialValue}");
        Require(double.IsFinite(MovingMeanInitialValue), nameof(MovingMeanInitialValue), $"must be finite; got {MovingMeanInitialValue}");
        Require(MovingVarianceInitialValue >= 0 && double.IsFinite(MovingVarianceInitialValue), nameof(MovingVarianceInitialValue), $"must be >= 0; got {MovingVarianceInitialValue}");
        Require(GammaL2 >= 0 && double.IsFinite(GammaL2), nameof(GammaL2), $"must be >= 0; got {GammaL2}");
        Require(BetaL2 >= 0 && double.IsFinite(BetaL2), nameof(BetaL2), $"must be >= 0; got {BetaL2}");
        Require(RenormMaxR >= 1 && double.IsFinite(RenormMaxR), nameof(RenormMaxR), $"must be >= 1; got {RenormMaxR}");
        Require(RenormMaxD >= 0 && double.IsFinite(RenormMaxD), nameof(RenormMaxD), $"must be >= 0; got {RenormMaxD}");
        Require(RenormWarmUpSteps >= 0, nameof(RenormWarmUpSteps), $"must be >= 0; got {RenormWarmUpSteps}");
        Require(RenormMovingAverageDecay >= 0 && RenormMovingAverageDecay < 1, nameof(RenormMovingAverageDecay), $"must be in [0, 1) (TensorFlow meaning); got {RenormMovingAverageDecay}");
        Require(GhostBatchSize >= 0, nameof(GhostBatchSize), $"must be 0 (off) or positive; got {GhostBatchSize}");
    }

    private static void Require(bool condition, string option, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"{nameof(BatchNormOptions)}.{option} {problem}.", option);
        }
    }
}
