using System.Runtime.Intrinsics.X86;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Which <see cref="InstructionSet"/> the kernels use: the widest this CPU runs, unless a caller forces a
/// narrower one (equivalence tests and benchmarks). The choice is read once per kernel call, so a forced set
/// applies to calls that start after it and never changes a kernel half-way.
/// </summary>
public static class InstructionSets
{
    private static InstructionSet? forced;

    /// <summary>The widest instruction set this CPU and runtime support.</summary>
    public static InstructionSet Detected { get; } =
        Avx512F.IsSupported ? InstructionSet.Avx512 : Avx2.IsSupported ? InstructionSet.Avx2 : InstructionSet.Scalar;

    /// <summary>Every instruction set this CPU runs, narrowest first.</summary>
    public static IReadOnlyList<InstructionSet> Available { get; } =
        Enum.GetValues<InstructionSet>().Where(s => s <= Detected).ToArray();

    /// <summary>The set the kernels use now: the forced one, or <see cref="Detected"/>.</summary>
    public static InstructionSet Current => forced ?? Detected;

    /// <summary>Makes the kernels use <paramref name="set"/> until the returned handle is disposed.</summary>
    /// <param name="set">An instruction set this CPU supports (see <see cref="Available"/>).</param>
    /// <exception cref="ArgumentOutOfRangeException">The CPU does not support <paramref name="set"/>.</exception>
    public static IDisposable Force(InstructionSet set)
    {
        if (set > Detected)
        {
            throw new ArgumentOutOfRangeException(nameof(set), set, $"instruction set {set} is not supported by this CPU; the widest it runs is {Detected}.");
        }

        var previous = forced;
        forced = set;
        return new Restore(previous);
    }

    private sealed class Restore(InstructionSet? previous) : IDisposable
    {
        public void Dispose() => forced = previous;
    }
}
