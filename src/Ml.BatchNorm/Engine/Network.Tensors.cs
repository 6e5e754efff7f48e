using Ml.BatchNorm.Engine.Layers;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine;

/// <summary>The network's named tensors: weights, moving statistics and optimizer state, by PyTorch state_dict names.</summary>
public sealed partial class Network
{
    private List<(TensorInfo Info, Tensor Tensor)>? _tensorCache;

    /// <summary>Every named tensor: weights, moving statistics and (once training has set one up) optimizer state.</summary>
    public IReadOnlyList<TensorInfo> GetTensorInfos()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return NamedTensors().Select(t => t.Info).ToArray();
    }

    /// <summary>Copies the named tensor's values (row-major float32).</summary>
    public float[] ReadTensor(string name)
    {
        var t = Find(name);
        var values = new float[t.numel()];
        ReadTensor(name, values);
        return values;
    }

    internal void ReadTensor(string name, Span<float> destination)
    {
        var t = Find(name);
        if (destination.Length != t.numel())
        {
            throw new ArgumentException($"tensor '{name}' has {t.numel()} values, not {destination.Length}.", nameof(destination));
        }

        using var scope = NewDisposeScope();
        var c = t.detach().to(ScalarType.Float32).cpu().contiguous();
        using var access = c.data<float>();
        access.CopyTo(destination, 0, 0);
    }

    /// <summary>Overwrites the named tensor with <paramref name="values"/> (row-major float32, exactly its element count).</summary>
    public void WriteTensor(string name, ReadOnlySpan<float> values)
    {
        var t = Find(name);
        if (values.Length != t.numel())
        {
            throw new ArgumentException($"tensor '{name}' has {t.numel()} values, not {values.Length}.", nameof(values));
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var source = empty(t.shape, ScalarType.Float32);
        using (var access = source.data<float>())
        {
            access.CopyFrom(values, 0, 0);
        }

        t.copy_(source);
        InvalidateFolding();
    }

    /// <summary>The parameters the optimizer updates, by name, in layer order.</summary>
    private IEnumerable<(string Name, Tensor Parameter)> TrainableParameters() =>
        _module.named_parameters().Select(p => (p.name, (Tensor)p.parameter));

    private Tensor Find(string name)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        foreach (var (info, tensor) in NamedTensors())
        {
            if (info.Name == name)
            {
                return tensor;
            }
        }

        throw new ArgumentException($"the network has no tensor named '{name}'.", nameof(name));
    }

    // Parameters in layer order, then every moving statistic, then the optimizer state (the order the
    // model files and checkpoints have always listed them in).
    private List<(TensorInfo Info, Tensor Tensor)> NamedTensors()
    {
        if (_tensorCache is { } cached)
        {
            return cached;
        }

        var result = new List<(TensorInfo, Tensor)>();
        foreach (var (name, p) in TrainableParameters())
        {
            result.Add((new TensorInfo(name, TensorRole.Parameter, p.shape), p));
        }

        foreach (var (name, b) in _module.named_buffers())
        {
            result.Add((new TensorInfo(name, TensorRole.Statistic, b.shape), b));
        }

        foreach (var (name, s) in _optimizer?.State() ?? [])
        {
            result.Add((new TensorInfo(name, TensorRole.Optimizer, s.shape), s));
        }

        _tensorCache = result;
        return result;
    }
}
