namespace Ml.BatchNorm.Interop;

/// <summary>Mirror of the instruction sets of <c>mlbn_set_instruction_set</c> for the bridge's own vectorized kernels.</summary>
internal enum InstructionSet
{
    /// <summary>The widest set the CPU supports (the default).</summary>
    Auto = 0,

    /// <summary>Plain scalar code: runs on any CPU.</summary>
    Scalar = 1,

    /// <summary>AVX2 (256-bit vectors).</summary>
    Avx2 = 2,

    /// <summary>AVX-512 foundation (512-bit vectors).</summary>
    Avx512 = 3,
}
