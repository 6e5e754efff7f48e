namespace Ml.BatchNorm.Interop;

/// <summary>Mirror of the kernel paths of <c>mlbn_set_kernel_path</c>.</summary>
internal enum KernelPath
{
    /// <summary>Fused kernels where they apply.</summary>
    Fused = 0,

    /// <summary>libtorch's plain operators everywhere.</summary>
    Plain = 1,
}
