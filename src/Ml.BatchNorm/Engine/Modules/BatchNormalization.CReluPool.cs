using Ml.BatchNorm.Engine.Kernels;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>The layer's training-mode pass fused with the CReLU and 2x2 max-pool after it (C# kernels).</summary>
internal sealed partial class BatchNormalization
{
    /// <summary>
    /// Whether <see cref="ForwardCReluPool"/> may stand in for this layer's forward pass on
    /// <paramref name="input"/> followed by CReLU and the pool: training mode on the default path (one batch,
    /// exponential averaging, no renorm, statistics not frozen, not recalibrating) over an NCHW float32 CPU image batch.
    /// </summary>
    public bool CanFuseCReluPool(Tensor input) =>
        input.dim() == 4
        && input.shape[1] == Channels
        && FusesTrainingBatch(input.shape[0])
        && TensorMemory.IsKernelReady(input)
        && TensorMemory.IsKernelReady(_runningMean);

    /// <summary>The mode part of <see cref="CanFuseCReluPool"/>, for a batch of <paramref name="batchSize"/> examples.</summary>
    public bool FusesTrainingBatch(long batchSize) =>
        training
        && _recalibration is null
        && !StatisticsFrozen
        && !Options.Renorm
        && Options.MovingStatistics == MovingStatistics.ExponentialAverage
        && !(Options.GhostBatchSize > 0 && Options.GhostBatchSize < batchSize);

    /// <summary>
    /// maxpool2x2(relu(cat(BN(x), −BN(x)))) in training mode, with the moving statistics updated as
    /// <see cref="forward"/> updates them (momentum 1 − decay, unbiased variance; left unchanged and an
    /// <see cref="InvalidOperationException"/> thrown when they would not be finite).
    /// </summary>
    public Tensor ForwardCReluPool(Tensor input, InstructionSet set)
    {
        CheckShape(input);
        BatchNormStatistics.RequireTwoValues(Label, input, 0);
        bool channelsLast = TensorMemory.IsChannelsLast(input);
        var x = channelsLast ? input : input.contiguous();
        var batch = BatchNormBatch.Measure(x, channelsLast, _gamma, _beta, Options.Epsilon, set);
        UpdateMovingStatistics(batch);
        return BatchNormCReluPoolFunction.apply(x, _gamma!, _beta!, batch, set);
    }

    // libtorch's update, in double as libtorch does it: running = momentum·batch + (1 − momentum)·running.
    private void UpdateMovingStatistics(BatchNormBatch batch)
    {
        double momentum = 1 - Options.MovingAverageDecay;
        double unbias = batch.Count / (batch.Count - 1.0);
        using var meanAccess = _runningMean.data<float>();
        using var varAccess = _runningVar.data<float>();
        var mean = new float[Channels];
        var variance = new float[Channels];
        for (int c = 0; c < Channels; c++)
        {
            mean[c] = (float)((momentum * batch.Mean[c]) + ((1 - momentum) * meanAccess[c]));
            variance[c] = (float)((momentum * batch.Variance[c] * unbias) + ((1 - momentum) * varAccess[c]));
            if (!float.IsFinite(mean[c]) || !float.IsFinite(variance[c]))
            {
                throw new InvalidOperationException(BatchNormStatistics.NotFiniteMessage(Label));
            }
        }

        for (int c = 0; c < Channels; c++)
        {
            meanAccess[c] = mean[c];
            varAccess[c] = variance[c];
        }
    }
}
