using Ml.BatchNorm.Engine.Layers;
using Ml.BatchNorm.Engine.Modules;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>Where a network's CReLU and the 2x2, stride-2 max-pool after it (and the batch norm before them) run as one fused kernel.</summary>
internal static class CReluPoolLayers
{
    /// <summary>
    /// True when layer <paramref name="i"/> is a CReLU followed by a 2x2, stride-2 max-pool, the path is
    /// <see cref="KernelPath.Fused"/> and <paramref name="x"/> is a float32 CPU image batch.
    /// </summary>
    public static bool Fuses(KernelPath path, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, int i, Tensor x) =>
        path == KernelPath.Fused
        && layers[i] is CRelu
        && i + 1 < layers.Count
        && layers[i + 1] is MaxPool { Kernel: 2, Stride: 2 }
        && x.dim() == 4
        && TensorMemory.IsKernelReady(x);

    /// <summary>
    /// True when layer <paramref name="i"/> is a batch norm that may run fused with the CReLU and pool after it
    /// (<see cref="BatchNormalization.CanFuseCReluPool"/>; training mode on its default path).
    /// </summary>
    public static bool FusesBatchNorm(KernelPath path, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, int i, Tensor x) =>
        layers[i] is BatchNormalization bn
        && i + 1 < layers.Count
        && Fuses(path, layers, i + 1, x)
        && bn.CanFuseCReluPool(x);
}
