using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>
/// Pools one layer's batch statistics exactly over a recalibration, in float64: Chan et al.'s
/// parallel update of the count, the mean and the sum of squared deviations.
/// </summary>
internal sealed class BatchNormRecalibration : IDisposable
{
    private Tensor? _mean;
    private Tensor? _squares;

    /// <summary>Values seen per channel so far.</summary>
    public double Count { get; private set; }

    /// <summary>Adds a batch of <paramref name="n"/> values per channel with the given mean and biased variance.</summary>
    public void Add(Tensor mean, Tensor biasedVariance, double n)
    {
        using var scope = NewDisposeScope();
        var batchMean = mean.to(float64);
        var batchSquares = biasedVariance.to(float64) * n;
        Tensor newMean, newSquares;
        if (_mean is null || _squares is null)
        {
            newMean = batchMean;
            newSquares = batchSquares;
        }
        else
        {
            double total = Count + n;
            var delta = batchMean - _mean;
            newMean = _mean + (delta * (n / total));
            newSquares = _squares + batchSquares + (delta * delta * (Count * n / total));
        }

        _mean?.Dispose();
        _squares?.Dispose();
        _mean = newMean.DetachFromDisposeScope();
        _squares = newSquares.DetachFromDisposeScope();
        Count += n;
    }

    /// <summary>The mean and unbiased variance of every value seen (float32, in the caller's dispose scope).</summary>
    public (Tensor Mean, Tensor Variance) Result()
    {
        if (_mean is null || _squares is null || Count < 2)
        {
            throw new InvalidOperationException("Recalibration needs at least two values per channel.");
        }

        return (_mean.to(float32), (_squares / (Count - 1)).to(float32));
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        _mean?.Dispose();
        _squares?.Dispose();
        _mean = null;
        _squares = null;
    }
}
