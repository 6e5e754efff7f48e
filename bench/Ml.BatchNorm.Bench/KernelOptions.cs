using System.CommandLine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// --instruction-set and --kernel-path: force the bridge's kernel variants, so that a benchmark
/// measures what each fused kernel and each instruction set gains in the full step.
/// </summary>
internal static class KernelOptions
{
    private static bool s_plain;

    public static Option<string> InstructionSetOption()
    {
        var option = new Option<string>("--instruction-set") { DefaultValueFactory = _ => "auto", Description = "Fused kernels' instruction set." };
        option.AcceptOnlyFromAmong("auto", "scalar", "avx2", "avx512");
        return option;
    }

    public static Option<string> KernelPathOption()
    {
        var option = new Option<string>("--kernel-path") { DefaultValueFactory = _ => "fused", Description = "fused (default) or plain libtorch operators." };
        option.AcceptOnlyFromAmong("fused", "plain");
        return option;
    }

    public static void Apply(string instructionSet, string kernelPath)
    {
        NativeRuntime.SetInstructionSet(instructionSet switch
        {
            "scalar" => InstructionSet.Scalar,
            "avx2" => InstructionSet.Avx2,
            "avx512" => InstructionSet.Avx512,
            _ => InstructionSet.Auto,
        });
        s_plain = kernelPath == "plain";
        NativeRuntime.SetKernelPath(s_plain ? KernelPath.Plain : KernelPath.Fused);
    }

    public static string InstructionSetName() => NativeRuntime.InstructionSetInEffect.ToString().ToLowerInvariant();

    public static string KernelPathName() => s_plain ? "plain" : "fused";
}
