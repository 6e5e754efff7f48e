using Ml.BatchNorm.Engine.Layers;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// Inference with each batch norm folded into the convolution or dense layer before it. In inference mode
/// batch norm is an affine map per channel, y = s (z - mean) + beta with s = gamma / sqrt(var + eps), so
/// W' = s W and b' = s (b - mean) + beta. The folded weights are rebuilt after anything changed the
/// network, and used only when a probe batch agrees with the unfolded layers within 1e-4 (norm-wise).
/// </summary>
public sealed partial class Network
{
    private readonly object _foldSync = new();
    private bool _allowFolding = true;
    private long _version = 1;
    private FoldedWeights? _folded;

    /// <summary>
    /// Whether scoring may fold each batch norm into the convolution or dense layer before it (default true). Off,
    /// inference runs every batch norm as its own layer (with the same moving statistics): slower, and the reference
    /// the folded weights are checked against.
    /// </summary>
    public bool AllowBatchNormFolding
    {
        get => _allowFolding;
        set => _allowFolding = value;
    }

    /// <summary>
    /// Whether scoring runs with each batch norm folded into the convolution or dense layer before it
    /// (the weights are folded when first needed and checked numerically against the unfolded layers).
    /// </summary>
    public bool IsBatchNormFolded
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _allowFolding && CurrentFolding().Usable;
        }
    }

    // Inference-mode forward, through the folded weights when they are usable.
    private Tensor Infer(Tensor x)
    {
        if (_allowFolding && CurrentFolding() is { Usable: true } folded)
        {
            return _module.ForwardFolded(x, folded.Weights);
        }

        return _module.call(x);
    }

    private void InvalidateFolding() => Interlocked.Increment(ref _version);

    private void DisposeFolding()
    {
        lock (_foldSync)
        {
            _folded?.Dispose();
            _folded = null;
        }
    }

    private FoldedWeights CurrentFolding()
    {
        lock (_foldSync)
        {
            long now = Interlocked.Read(ref _version);
            if (_folded is { } cached && cached.Version == now)
            {
                return cached;
            }

            // Weights change only while nothing scores (training, writes, recalibration), so the old
            // folded copy is no longer in use.
            _folded?.Dispose();
            _folded = Fold(now);
            return _folded;
        }
    }

    private FoldedWeights Fold(long version)
    {
        var weights = new Dictionary<int, (Tensor Weight, Tensor Bias)>();
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var layers = _module.Layers;
        for (int i = 0; i + 1 < layers.Count; i++)
        {
            if (layers[i + 1] is not BatchNormalization bn || (layers[i] is not Convolution && layers[i] is not Dense))
            {
                continue;
            }

            var (w, b) = layers[i] is Convolution c ? (c.Weight, c.Bias) : (((Dense)layers[i]).Weight, ((Dense)layers[i]).Bias);
            var (scale, shift) = bn.InferenceAffine();
            var view = Enumerable.Repeat(1L, (int)w.dim()).ToArray();
            view[0] = -1;
            var folded = w.detach() * scale.view(view);
            var bias = b is null ? shift : (b.detach() * scale) + shift;

            weights[i] = (folded.DetachFromDisposeScope(), bias.DetachFromDisposeScope());
        }

        bool usable = false;
        if (weights.Count > 0)
        {
            using var generator = new Generator(0x5eed);
            var probe = rand([2, Spec.Channels, Spec.Height, Spec.Width], generator: generator).to(_device);
            var plain = _module.call(probe);
            var viaFolded = _module.ForwardFolded(probe, weights);
            double error = (viaFolded - plain).norm().item<float>() / Math.Max(plain.norm().item<float>(), 1e-30);
            usable = double.IsFinite(error) && error < 1e-4;
        }

        return new FoldedWeights(version, usable, weights);
    }

    private sealed record FoldedWeights(long Version, bool Usable, Dictionary<int, (Tensor Weight, Tensor Bias)> Weights) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (w, b) in Weights.Values)
            {
                w.Dispose();
                b.Dispose();
            }
        }
    }
}
