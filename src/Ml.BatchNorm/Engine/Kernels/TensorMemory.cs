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
}
