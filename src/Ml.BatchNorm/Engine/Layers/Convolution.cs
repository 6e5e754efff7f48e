using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>2-D convolution with TensorFlow's "same" padding (output ceil(input / stride), the extra row or column at the end).</summary>
internal sealed class Convolution : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;
    private readonly long _stride;
    private readonly long[] _padding;
    private readonly long[]? _asymmetricPadding;

    public Convolution(string name, ConvolutionLayer spec, long inChannels, long height, long width, Generator generator) : base(name)
    {
        weight = new Parameter(TruncatedNormal.Sample([spec.Filters, inChannels, spec.KernelSize, spec.KernelSize], spec.InitStd, generator));
        bias = spec.UseBias ? new Parameter(zeros(spec.Filters)) : null;
        _stride = spec.Stride;
        _padding = [0, 0];
        if (spec.SamePadding)
        {
            long th = SamePadTotal(height, spec.KernelSize, spec.Stride);
            long tw = SamePadTotal(width, spec.KernelSize, spec.Stride);
            if (th % 2 == 0 && tw % 2 == 0)
            {
                _padding = [th / 2, tw / 2];
            }
            else
            {
                _asymmetricPadding = [tw / 2, tw - (tw / 2), th / 2, th - (th / 2)];
            }
        }

        RegisterComponents();
    }

    public Tensor Weight => weight;

    public Tensor? Bias => bias;

    /// <summary>Whether the padding is libtorch's own (symmetric), with no separate pad operator before the convolution.</summary>
    public bool SymmetricPadding => _asymmetricPadding is null;

    /// <summary>Output size along one dimension: ceil(input / stride) with same padding.</summary>
    public static long OutputSize(long input, ConvolutionLayer spec) =>
        spec.SamePadding ? (input + spec.Stride - 1) / spec.Stride : ((input - spec.KernelSize) / spec.Stride) + 1;

    public override Tensor forward(Tensor x) => Apply(x, weight, bias);

    /// <summary>The convolution with other weights (batch norm folded into them).</summary>
    public Tensor Apply(Tensor x, Tensor w, Tensor? b)
    {
        var input = _asymmetricPadding is null ? x : F.pad(x, _asymmetricPadding, PaddingModes.Constant, 0.0);
        return F.conv2d(input, w, b, strides: [_stride, _stride], padding: _padding);
    }

    private static long SamePadTotal(long input, long kernel, long stride) =>
        Math.Max((((input + stride - 1) / stride) - 1) * stride + kernel - input, 0);
}
