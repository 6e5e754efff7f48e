using Ml.BatchNorm.Engine.Kernels;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// Concatenated ReLU: concat(relu(x), relu(-x)) along channels (features), doubling them; a C# kernel on
/// the fused path, the TorchSharp operators on the plain one.
/// </summary>
internal sealed class CRelu(string name, ForwardContext context) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor x) => context.KernelPath == KernelPath.Fused && TensorMemory.IsKernelReady(x)
        ? CReluFunction.apply(x, InstructionSets.Current)
        : F.relu(cat([x, x.neg()], 1));
}

/// <summary>Rectified linear unit.</summary>
internal sealed class Relu(string name) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor x) => F.relu(x);
}

/// <summary>Max pooling over square windows, no padding (a partial window at the edge is dropped).</summary>
internal sealed class MaxPool(string name, long kernel, long stride) : nn.Module<Tensor, Tensor>(name)
{
    public long Kernel { get; } = kernel;

    public long Stride { get; } = stride;

    public override Tensor forward(Tensor x) => F.max_pool2d(x, [Kernel, Kernel], [Stride, Stride]);
}

/// <summary>Flattens (channels, height, width) into one feature vector per row.</summary>
internal sealed class Flatten(string name) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor x) => x.flatten(1);
}
