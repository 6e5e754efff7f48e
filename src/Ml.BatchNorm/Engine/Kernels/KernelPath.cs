namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>How the element-wise layers (CReLU, CReLU + max-pool, training-mode batch norm before them) and the optimizer update run.</summary>
public enum KernelPath
{
    /// <summary>C# SIMD kernels over the tensors' memory, as TorchSharp autograd functions (the default).</summary>
    Fused,

    /// <summary>The obvious TorchSharp operators (batch_norm, relu(cat(x, -x)), max_pool2d, the optimizer's tensor ops): the reference.</summary>
    Plain,
}
