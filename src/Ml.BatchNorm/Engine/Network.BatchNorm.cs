using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine.Layers;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine;

/// <summary>Batch-norm fine-tuning policies and recalibration.</summary>
public sealed partial class Network
{
    /// <summary>
    /// Sets what training may change in the batch-normalization layer at <paramref name="layerIndex"/>
    /// (an index into <see cref="NetworkSpec.Layers"/>), or in every one when it is null. Freezing is
    /// sticky: a setting that would unfreeze a frozen part throws <see cref="ArgumentException"/> naming
    /// the layer, and a refused call changes nothing.
    /// </summary>
    public void SetBatchNormFineTuning(BatchNormFineTuning policy, int? layerIndex = null)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"{policy} is not a {nameof(BatchNormFineTuning)}.");
        }

        var targets = layerIndex is int index ? [BatchNormAt(index)] : BatchNormLayers().ToArray();
        // Checked for every target before any changes, so a refused call changes nothing.
        foreach (var bn in targets)
        {
            bn.CheckFineTuning(policy);
        }

        foreach (var bn in targets)
        {
            bn.SetFineTuning(policy);
        }
    }

    /// <summary>The fine-tuning policy of the batch-normalization layer at <paramref name="layerIndex"/>.</summary>
    public BatchNormFineTuning GetBatchNormFineTuning(int layerIndex)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return BatchNormAt(layerIndex).FineTuning;
    }

    /// <summary>
    /// Recalibrates ("precise BN") every batch-normalization layer's moving statistics from data: runs
    /// <paramref name="batches"/> shuffled batches of <paramref name="batchSize"/> rows (null: one pass,
    /// dropping a partial last batch) forward in training mode without gradients and without dropout,
    /// each layer normalizing with its batch statistics, and then sets each moving mean and variance to
    /// the exact mean and unbiased variance of every value that layer saw. Weights, renorm statistics and
    /// counters do not change. It is explicit, so it also recalibrates layers whose statistics are frozen.
    /// Ghost batches and renorm's r and d do not apply while recalibrating: each batch is measured whole.
    /// </summary>
    /// <returns>The number of rows used.</returns>
    public long RecalibrateBatchNorm(ImageDataset data, int batchSize = 256, int? batches = null, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_disposed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (batches is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batches), batches, "batches must be positive (or null for one pass over the data).");
        }

        if (data.PixelsPerImage != InputSize)
        {
            throw new ArgumentException($"{data.Source} holds {data.Height}x{data.Width} images; the network expects {Spec.Height}x{Spec.Width}.", nameof(data));
        }

        var sequence = new MiniBatchSequence(data, Math.Min(batchSize, data.Count), seed, shuffle: true, LastBatchPolicy.Drop);
        int count = batches ?? sequence.BatchesPerEpoch;
        using var buffer = new MiniBatchBuffer(sequence.MaxBatchSize, sequence.PixelsPerImage);
        var layers = BatchNormLayers().ToArray();
        long rows = 0;
        lock (_sync)
        {
            try
            {
                _module.Context.Recalibrating = true;
                foreach (var layer in layers)
                {
                    layer.BeginRecalibration();
                }

                for (int b = 0; b < count; b++)
                {
                    int n = sequence.Fill(b, buffer);
                    using var scope = NewDisposeScope();
                    using var _ = no_grad();
                    _module.train();
                    try
                    {
                        _module.call(Input(buffer.Images, n, Spec.Height, Spec.Width));
                    }
                    finally
                    {
                        _module.eval();
                    }

                    rows += n;
                }

                // Every layer is checked before any is written, so a failure changes nothing.
                foreach (var layer in layers)
                {
                    layer.CheckRecalibration();
                }

                foreach (var layer in layers)
                {
                    layer.EndRecalibration();
                }
            }
            finally
            {
                _module.Context.Recalibrating = false;
                foreach (var layer in layers)
                {
                    layer.CancelRecalibration();
                }

                InvalidateFolding();
            }
        }

        return rows;
    }

    private BatchNormalization BatchNormAt(int layerIndex)
    {
        if (layerIndex < 0 || layerIndex >= _module.Layers.Count)
        {
            throw new ArgumentException($"layer index {layerIndex} is out of range (the network has {_module.Layers.Count} layers).", nameof(layerIndex));
        }

        return _module.Layers[layerIndex] as BatchNormalization
            ?? throw new ArgumentException($"layer {layerIndex} is not a batch-norm layer.", nameof(layerIndex));
    }
}
