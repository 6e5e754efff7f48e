using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>Recalibration ("precise BN"): moving statistics recomputed exactly from data after training.</summary>
internal sealed partial class BatchNormalization
{
    /// <summary>
    /// Starts a recalibration ("precise BN"): until <see cref="EndRecalibration"/> or
    /// <see cref="CancelRecalibration"/>, every forward call (whatever the mode, whatever the
    /// fine-tuning policy) normalizes with the whole batch's statistics, without ghost batches or
    /// renorm, and pools them exactly in float64. Run it without gradients.
    /// </summary>
    public void BeginRecalibration()
    {
        _recalibration?.Dispose();
        _recalibration = new BatchNormRecalibration();
    }

    /// <summary>Throws <see cref="InvalidOperationException"/> if a recalibration has not begun or saw fewer than two values per channel; changes nothing.</summary>
    public void CheckRecalibration()
    {
        if (_recalibration is null)
        {
            throw new InvalidOperationException($"{Label}: recalibration has not begun (call {nameof(BeginRecalibration)} first).");
        }

        if (_recalibration.Count < 2)
        {
            throw new InvalidOperationException($"{Label}: recalibration saw no batches; the moving statistics are unchanged.");
        }
    }

    /// <summary>
    /// Ends the recalibration: the moving mean and variance become the exact mean and unbiased
    /// variance of every value the layer saw. Weights, renorm statistics and the counter do not change.
    /// </summary>
    public void EndRecalibration()
    {
        CheckRecalibration();
        using (var noGrad = no_grad())
        using (var scope = NewDisposeScope())
        {
            var (mean, variance) = _recalibration!.Result();
            BatchNormStatistics.RequireFinite(Label, mean, variance);
            _runningMean.copy_(mean);
            _runningVar.copy_(variance);
        }

        CancelRecalibration();
    }

    /// <summary>Ends a recalibration without changing anything.</summary>
    public void CancelRecalibration()
    {
        _recalibration?.Dispose();
        _recalibration = null;
    }

    // Recalibration: the whole batch's statistics normalize it and are pooled exactly.
    private Tensor RecalibrationForward(Tensor input)
    {
        BatchNormStatistics.RequireTwoValues(Label, input, 0);
        using var scope = NewDisposeScope();
        long[] view = BatchNormStatistics.ChannelView(input);
        var (variance, mean) = var_mean(input, BatchNormStatistics.ReduceDimensions(input), unbiased: false, keepdim: true);
        var y = Affine((input - mean) / (variance + Options.Epsilon).sqrt(), view);
        using (no_grad())
        {
            _recalibration!.Add(mean.flatten(), variance.flatten(), input.numel() / Channels);
        }

        return scope.MoveToOuter(y);
    }
}
