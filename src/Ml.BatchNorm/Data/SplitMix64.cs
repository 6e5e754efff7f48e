namespace Ml.BatchNorm.Data;

/// <summary>
/// Steele, Lea and Flood's SplitMix64 generator: tiny, fast, and fully specified here, so shuffles
/// reproduce on every runtime version (System.Random's algorithm is an implementation detail).
/// </summary>
internal struct SplitMix64
{
    /// <summary>The stream's increment: draw k of a generator started at s is Mix(s + k · GoldenGamma), k = 1, 2, ...</summary>
    internal const ulong GoldenGamma = 0x9E3779B97F4A7C15;

    private ulong _state;

    /// <summary>Starts the generator at <paramref name="seed"/>.</summary>
    public SplitMix64(ulong seed) => _state = seed;

    /// <summary>A generator for one epoch of a run: distinct, well-mixed streams for nearby seeds and epochs.</summary>
    public static SplitMix64 ForEpoch(ulong seed, long epoch) =>
        new(Mix(seed) ^ Mix(unchecked((ulong)epoch * GoldenGamma + 1)));

    /// <summary>The next 64 uniformly distributed bits.</summary>
    public ulong Next() => Mix(_state += GoldenGamma);

    /// <summary>A uniformly distributed double in [0, 1): the top 53 bits of <see cref="Next"/>.</summary>
    public double NextDouble() => ToUnit(Next());

    /// <summary>The top 53 bits of <paramref name="bits"/> as a double in [0, 1).</summary>
    public static double ToUnit(ulong bits) => (bits >> 11) * (1.0 / (1UL << 53));

    /// <summary>A uniformly distributed integer in [0, <paramref name="bound"/>).</summary>
    /// <remarks>Lemire's multiply-and-reject method: unbiased, and almost never needs a second draw.</remarks>
    public int NextBelow(int bound)
    {
        ulong range = (ulong)bound;
        ulong high = Math.BigMul(Next(), range, out ulong low);
        if (low < range)
        {
            ulong threshold = (0 - range) % range;
            while (low < threshold)
            {
                high = Math.BigMul(Next(), range, out low);
            }
        }

        return (int)high;
    }

    /// <summary>The SplitMix64 output function (a variant of MurmurHash3's 64-bit finalizer).</summary>
    public static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
