using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>Renorm, ghost batches, warm-up and cumulative averaging, and recalibration, in plain operators so that autograd derives the backward pass.</summary>
internal sealed partial class InterimBatchNorm
{
    private double _recalCount;
    private Tensor? _recalMean;
    private Tensor? _recalM2;

    /// <summary>Forgets what a recalibration has pooled so far.</summary>
    public void ResetRecalibration()
    {
        _recalCount = 0;
        _recalMean?.Dispose();
        _recalM2?.Dispose();
        _recalMean = null;
        _recalM2 = null;
    }

    /// <summary>The exact mean and unbiased variance of every value seen while recalibrating; throws when fewer than two were seen.</summary>
    public (Tensor Mean, Tensor Variance) RecalibratedStatistics()
    {
        if (_recalCount < 2 || _recalMean is null || _recalM2 is null)
        {
            throw new InvalidOperationException($"{Label}: recalibration saw no batches; the moving statistics are unchanged.");
        }

        var variance = _recalM2 / (_recalCount - 1.0);
        if (!Finite(_recalMean) || !Finite(variance))
        {
            throw NonFinite();
        }

        return (_recalMean.to(ScalarType.Float32), variance.to(ScalarType.Float32));
    }

    // The weight kept on the old moving statistics for this update; t = updates before this one.
    private double StatisticsDecay(double t) => Options.MovingStatistics switch
    {
        MovingStatistics.ExponentialAverageWithWarmUp => Math.Min(Options.MovingAverageDecay, (1.0 + t) / (10.0 + t)),
        MovingStatistics.CumulativeAverage => t / (t + 1.0),
        _ => Options.MovingAverageDecay,
    };

    // Each ghost batch is normalized with its own statistics; the moving statistics are updated once per
    // step from the unweighted mean over ghost batches of their means and unbiased variances.
    private Tensor GeneralForward(Tensor x)
    {
        var dims = ReduceDims(x);
        var view = ChannelView(x);
        double t = num_batches_tracked is null ? 0.0 : num_batches_tracked.item<float>();
        double rmax = 1, dmax = 0;
        if (Options.Renorm)
        {
            double ramp = Options.RenormWarmUpSteps > 0 ? Math.Min(t / Options.RenormWarmUpSteps, 1.0) : 1.0;
            rmax = 1.0 + ((Options.RenormMaxR - 1.0) * ramp);
            dmax = Options.RenormMaxD * ramp;
        }

        var chunks = Options.GhostBatchSize > 0 && Options.GhostBatchSize < x.shape[0] ? x.split(Options.GhostBatchSize, 0) : [x];
        var outputs = new List<Tensor>();
        var means = new List<Tensor>();
        var unbiased = new List<Tensor>();
        var stds = new List<Tensor>();
        foreach (var chunk in chunks)
        {
            double n = ValuesPerChannel(chunk);
            var (variance, mean) = var_mean(chunk, dims, unbiased: false, keepdim: true);
            var stdDev = (variance + Options.Epsilon).sqrt();
            var y = (chunk - mean) / stdDev;
            if (Options.Renorm)
            {
                // Stop-gradient: r and d are constants in the backward pass, as in the paper.
                Tensor r, d;
                using (no_grad())
                {
                    var movingStd = renorm_std!.view(view);
                    r = (stdDev.detach() / movingStd).clamp(1.0 / rmax, rmax);
                    d = ((mean.detach() - renorm_mean!.view(view)) / movingStd).clamp(-dmax, dmax);
                }

                y = (y * r) + d;
            }

            outputs.Add(y);
            means.Add(mean.detach().flatten());
            unbiased.Add(variance.detach().flatten() * (n / (n - 1.0)));
            stds.Add(stdDev.detach().flatten());
        }

        var result = Affine(outputs.Count == 1 ? outputs[0] : cat(outputs, 0));
        using (no_grad())
        {
            var batchMean = stack(means).mean([0]);
            var batchVar = stack(unbiased).mean([0]);
            double decay = StatisticsDecay(t);
            var newMean = (running_mean * decay) + (batchMean * (1.0 - decay));
            var newVar = (running_var * decay) + (batchVar * (1.0 - decay));
            if (!Finite(newMean) || !Finite(newVar))
            {
                throw NonFinite();
            }

            running_mean.copy_(newMean);
            running_var.copy_(newVar);
            if (Options.Renorm)
            {
                // r and d use their own exponential averages of the batch mean and standard deviation, as TensorFlow's renorm_momentum does.
                double rd = Options.RenormMovingAverageDecay;
                renorm_mean!.mul_(rd).add_(batchMean, 1.0 - rd);
                renorm_std!.mul_(rd).add_(stack(stds).mean([0]), 1.0 - rd);
            }

            num_batches_tracked?.add_(1.0);
        }

        return result;
    }

    // Normalize with the whole batch's statistics and pool them exactly (Chan et al.'s parallel update of
    // the mean and the sum of squared deviations, in float64).
    private Tensor RecalibrateForward(Tensor x)
    {
        RequireTwoValues(x, 0);
        var (variance, mean) = var_mean(x, ReduceDims(x), unbiased: false, keepdim: true);
        var y = Affine((x - mean) / (variance + Options.Epsilon).sqrt());
        double n = ValuesPerChannel(x);
        using var scope = NewDisposeScope();
        var batchMean = mean.flatten().to(ScalarType.Float64);
        var batchM2 = variance.flatten().to(ScalarType.Float64) * n;
        if (_recalCount == 0 || _recalMean is null || _recalM2 is null)
        {
            _recalMean = batchMean.DetachFromDisposeScope();
            _recalM2 = batchM2.DetachFromDisposeScope();
        }
        else
        {
            double total = _recalCount + n;
            var delta = batchMean - _recalMean;
            var newMean = (_recalMean + (delta * (n / total))).DetachFromDisposeScope();
            var newM2 = (_recalM2 + batchM2 + (delta * delta * (_recalCount * n / total))).DetachFromDisposeScope();
            _recalMean.Dispose();
            _recalM2.Dispose();
            _recalMean = newMean;
            _recalM2 = newM2;
        }

        _recalCount += n;
        return y;
    }
}
