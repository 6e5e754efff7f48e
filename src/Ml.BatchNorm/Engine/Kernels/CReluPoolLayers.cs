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

    /// <summary>
    /// The input to give layer <paramref name="i"/>, a convolution: a channels-last view of <paramref name="x"/> when
    /// the batch norm + CReLU + pool after it will run fused in training (a channels-last convolution writes
    /// channels-last output, which the fused kernel reads as it is, and oneDNN runs model1's convolutions
    /// faster that way: `bench ... step-parts`) and the view costs nothing: x is channels-last already (the
    /// fused kernel's output) or has one channel. Otherwise x itself.
    /// </summary>
    public static Tensor ConvolutionInput(KernelPath path, IReadOnlyList<nn.Module<Tensor, Tensor>> layers, int i, Tensor x)
    {
        bool fusedBlockFollows =
            path == KernelPath.Fused
            && layers[i] is Convolution { training: true, SymmetricPadding: true }
            && i + 3 < layers.Count
            && layers[i + 1] is BatchNormalization bn
            && layers[i + 2] is CRelu
            && layers[i + 3] is MaxPool { Kernel: 2, Stride: 2 }
            && x.dim() == 4
            && TensorMemory.IsKernelReady(x)
            && bn.FusesTrainingBatch(x.shape[0]);
        if (!fusedBlockFollows)
        {
            return x;
        }

        if (x.shape[1] == 1 && x.is_contiguous())
        {
            // One channel: NCHW and channels-last memory are the same; only the strides tell libtorch which it is.
            long[] s = x.shape;
            return x.as_strided(s, [s[2] * s[3], 1, s[3], 1]);
        }

        // Channels-last already (the previous fused block's output): as it is. A contiguous x of several channels
        // stays contiguous too: converting it would cost a copy each way.
        return x;
    }
}
