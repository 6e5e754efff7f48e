using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class SplitMix64Tests
{
    [TestMethod]
    public void MatchesTheReferenceOutputsForSeed1234567()
    {
        // Outputs of the reference C implementation (Vigna, splitmix64.c) for this seed.
        ulong[] expected = [6457827717110365317, 3203168211198807973, 9817491932198370423, 4593380528125082431, 16408922859458223821];
        var random = new SplitMix64(1234567);
        foreach (ulong value in expected)
        {
            Assert.AreEqual(value, random.Next());
        }
    }

    [TestMethod]
    public void NextBelowStaysInRangeAndReachesEveryValue()
    {
        var random = new SplitMix64(7);
        var seen = new int[7];
        for (int i = 0; i < 7000; i++)
        {
            int value = random.NextBelow(7);
            Assert.IsTrue(value is >= 0 and < 7, $"{value} is outside [0, 7)");
            seen[value]++;
        }

        // Each count is about 1000; 800 is more than six standard deviations away.
        foreach (int count in seen)
        {
            Assert.IsTrue(count > 800, $"counts {string.Join(", ", seen)} are far from uniform");
        }
    }

    [TestMethod]
    public void NearbyEpochsGetDifferentStreams()
    {
        Assert.AreNotEqual(SplitMix64.ForEpoch(1, 0).Next(), SplitMix64.ForEpoch(1, 1).Next());
        Assert.AreNotEqual(SplitMix64.ForEpoch(1, 0).Next(), SplitMix64.ForEpoch(2, 0).Next());
    }
}
