namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>The vector instruction sets the C# kernels are written for, widest last.</summary>
public enum InstructionSet
{
    /// <summary>One float at a time; runs everywhere.</summary>
    Scalar,

    /// <summary>256-bit vectors (AVX2): eight floats.</summary>
    Avx2,

    /// <summary>512-bit vectors (AVX-512F): sixteen floats.</summary>
    Avx512,
}
