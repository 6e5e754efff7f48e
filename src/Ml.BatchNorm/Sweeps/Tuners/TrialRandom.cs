using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// A small random stream (SplitMix64) derived from a study seed and a proposal index, so that the n-th
/// proposal of a study is the same whichever worker makes it and whenever.
/// </summary>
internal struct TrialRandom
{
    private ulong _state;

    public TrialRandom(ulong seed, int proposalIndex, ulong salt = 0) =>
        _state = SplitMix64.Mix(SplitMix64.Mix(seed ^ 0x6A09E667F3BCC909UL) ^ (ulong)(uint)proposalIndex ^ (salt * 0x9E3779B97F4A7C15UL));

    /// <summary>A double in [0, 1).</summary>
    public double NextDouble() => SplitMix64.ToUnit(NextUInt64());

    /// <summary>An integer in [0, bound).</summary>
    public int NextInt(int bound) => (int)(NextDouble() * bound);

    /// <summary>A standard normal draw (Box-Muller).</summary>
    public double NextGaussian()
    {
        double u1 = 1.0 - NextDouble();
        double u2 = NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2.0 * Math.PI * u2);
    }

    public ulong NextUInt64() => SplitMix64.Mix(_state += 0x9E3779B97F4A7C15UL);
}
