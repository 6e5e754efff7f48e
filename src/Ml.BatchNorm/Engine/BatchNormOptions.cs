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
    }
}
