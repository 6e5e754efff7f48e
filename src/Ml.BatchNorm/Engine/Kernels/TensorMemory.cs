using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>Where the kernels may work on a tensor's memory directly, and the address of that memory.</summary>
internal static class TensorMemory
{
    /// <summary>A CPU float32 tensor, the only kind the kernels are written for; anything else takes the plain path.</summary>
    public static bool IsKernelReady(Tensor t) => t.device_type == DeviceType.CPU && t.dtype == ScalarType.Float32;

    /// <summary>
    /// The address of a contiguous CPU tensor's first element. The buffer is native memory owned by libtorch,
    /// so it stays put after the span is unpinned, for as long as the tensor lives.
    /// </summary>
    public static unsafe nint Address(Tensor t)
    {
        if (!t.is_contiguous())
        {
            throw new ArgumentException("the kernels need a contiguous tensor; call contiguous() first.", nameof(t));
        }

        if (t.numel() == 0)
        {
            return 0;
        }

        fixed (byte* p = t.bytes)
        {
            return (nint)p;
        }
    }

    /// <summary>
    /// Whether an (N, C, H, W) tensor's memory is channels-last (N × H × W × C, as a channels-last convolution
    /// writes it): then <see cref="ChannelsLastMemory"/> is contiguous.
    /// </summary>
    public static bool IsChannelsLast(Tensor t)
    {
        if (t.dim() != 4)
        {
            return false;
        }

        using var memory = t.permute(0, 2, 3, 1);
        return memory.is_contiguous();
    }

    /// <summary>The (N, H, W, C) view of a channels-last (N, C, H, W) tensor: its memory in order.</summary>
    public static Tensor ChannelsLastMemory(Tensor t) => t.permute(0, 2, 3, 1);

    /// <summary>An (N, C, H, W) view of (N, H, W, C) memory: how a channels-last tensor is handed to libtorch.</summary>
    public static Tensor FromChannelsLastMemory(Tensor memory) => memory.permute(0, 3, 1, 2);
}
