using Ml.BatchNorm.Engine.Kernels;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// The TorchSharp module a <see cref="NetworkSpec"/> describes: one submodule per layer record, registered
/// under the layer's index, so that parameter and buffer names are PyTorch's state_dict names ("0.weight",
/// "1.running_mean"). Weights come from a generator seeded by the network's seed, in layer order.
/// </summary>
internal sealed class SpecModule : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor>[] _layers;

    public SpecModule(NetworkSpec spec, ulong seed) : base("network")
    {
        Context = new ForwardContext(seed);
        _layers = new nn.Module<Tensor, Tensor>[spec.Layers.Count];
        using var generator = new Generator(seed);
        long[] shape = [spec.Channels, spec.Height, spec.Width];
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            (_layers[i], shape) = Build(i, spec.Layers[i], shape, generator);
            register_module(i.ToString(System.Globalization.CultureInfo.InvariantCulture), _layers[i]);
        }

        OutputShape = shape;
    }

    public ForwardContext Context { get; }

    public IReadOnlyList<nn.Module<Tensor, Tensor>> Layers => _layers;

    /// <summary>Shape of one output row.</summary>
    public long[] OutputShape { get; }

    public override Tensor forward(Tensor x)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (CReluPoolLayers.FusesBatchNorm(Context.KernelPath, _layers, i, x))
            {
                x = ((BatchNormalization)_layers[i]).ForwardCReluPool(x, InstructionSets.Current);
                i += 2; // the CReLU and the pool are inside the fused kernel
                continue;
            }

            if (_layers[i] is Convolution)
            {
                x = CReluPoolLayers.ConvolutionInput(Context.KernelPath, _layers, i, x);
            }

            if (CReluPoolLayers.Fuses(Context.KernelPath, _layers, i, x))
            {
                x = CReluPoolFunction.apply(x, InstructionSets.Current);
                i++; // the pool is inside the fused kernel
                continue;
            }

            x = _layers[i].call(x);
        }

        return x;
    }

    /// <summary>Inference with each batch norm folded into the layer before it (<paramref name="folded"/> holds their weights by layer index).</summary>
    public Tensor ForwardFolded(Tensor x, IReadOnlyDictionary<int, (Tensor Weight, Tensor Bias)> folded)
    {
        for (int i = 0; i < _layers.Length; i++)
        {
            if (folded.TryGetValue(i, out var f))
            {
                x = _layers[i] is Convolution c ? c.Apply(x, f.Weight, f.Bias) : Dense.Apply(x, f.Weight, f.Bias);
                i++; // the batch norm is inside the folded weights
                continue;
            }

            x = _layers[i].call(x);
        }

        return x;
    }

    private (nn.Module<Tensor, Tensor> Layer, long[] Shape) Build(int i, LayerSpec layer, long[] shape, Generator generator)
    {
        string name = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        switch (layer)
        {
            case ConvolutionLayer c:
                Require(shape.Length == 3, i, "convolution", "needs an image input (channels, height, width); flatten comes after convolutions");
                Require(c.Filters > 0 && c.KernelSize > 0 && c.Stride > 0, i, "convolution", "needs positive filters, kernel and stride");
                long h = Convolution.OutputSize(shape[1], c), w = Convolution.OutputSize(shape[2], c);
                Require(h > 0 && w > 0, i, "convolution", "kernel larger than its input");
                return (new Convolution(name, c, shape[0], shape[1], shape[2], generator), [c.Filters, h, w]);
            case DenseLayer d:
                Require(shape.Length == 1, i, "dense", "needs a flat input: put a flatten layer before it");
                Require(d.Units > 0, i, "dense", "needs a positive number of units");
                return (new Dense(name, d, shape[0], generator), [d.Units]);
            case BatchNormLayer b:
                return (new BatchNormalization(checked((int)shape[0]), b.Options, i), shape);
            case CReluLayer:
                return (new CRelu(name, Context), [shape[0] * 2, .. shape[1..]]);
            case ReluLayer:
                return (new Relu(name), shape);
            case MaxPoolLayer p:
                Require(shape.Length == 3, i, "max pool", "needs an image input");
                Require(p.KernelSize > 0 && p.Stride >= 0, i, "max pool", "needs a positive kernel");
                long stride = p.Stride > 0 ? p.Stride : p.KernelSize;
                long ph = ((shape[1] - p.KernelSize) / stride) + 1, pw = ((shape[2] - p.KernelSize) / stride) + 1;
                Require(shape[1] >= p.KernelSize && shape[2] >= p.KernelSize, i, "max pool", "window larger than its input");
                return (new MaxPool(name, p.KernelSize, stride), [shape[0], ph, pw]);
            case FlattenLayer:
                return (new Flatten(name), [shape.Aggregate(1L, (a, b) => a * b)]);
            case DropoutLayer d:
                Require(d.KeepProbability > 0 && d.KeepProbability <= 1, i, "dropout", "keep probability must be in (0, 1]");
                return (new SeededDropout(name, i, d.KeepProbability, Context), shape);
            default:
                throw new ArgumentException($"layer {i} has unknown kind {layer.GetType().Name}.");
        }
    }

    private static void Require(bool condition, int index, string kind, string problem)
    {
        if (!condition)
        {
            throw new ArgumentException($"layer {index} ({kind}) {problem}.");
        }
    }
}
