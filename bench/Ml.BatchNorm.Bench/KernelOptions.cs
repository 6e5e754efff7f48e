using System.CommandLine;
using Ml.BatchNorm.Engine.Kernels;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// --instruction-set and --kernel-path: force the C# kernels' variant, so that a benchmark measures what
/// each kernel and each instruction set gains in the full step.
/// </summary>
internal static class KernelOptions
{
    public static Option<string> InstructionSetOption()
    {
        var option = new Option<string>("--instruction-set") { DefaultValueFactory = _ => "auto", Description = "The C# kernels' instruction set." };
        option.AcceptOnlyFromAmong("auto", "scalar", "avx2", "avx512");
        return option;
    }

    public static Option<string> KernelPathOption()
    {
        var option = new Option<string>("--kernel-path") { DefaultValueFactory = _ => "fused", Description = "fused (default) or plain TorchSharp operators inside our engine." };
        option.AcceptOnlyFromAmong("fused", "plain");
        return option;
    }

    /// <summary>Forces the instruction set (none for "auto") and returns the kernel path.</summary>
    public static (KernelPath Path, IDisposable? Forced) Apply(string instructionSet, string kernelPath)
    {
        IDisposable? forced = instructionSet switch
        {
            "scalar" => InstructionSets.Force(InstructionSet.Scalar),
            "avx2" => InstructionSets.Force(InstructionSet.Avx2),
            "avx512" => InstructionSets.Force(InstructionSet.Avx512),
            _ => null,
        };
        return (kernelPath == "plain" ? KernelPath.Plain : KernelPath.Fused, forced);
    }
}
