using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class SearchSpaceTests
{
    [TestMethod]
    public void DescriptionAndFingerprintAreStableAndDistinguishSpaces()
    {
        var a = BatchNormCnnSearchSpace.Default();
        var b = BatchNormCnnSearchSpace.Default();
        Assert.AreEqual(a.Describe(), b.Describe());
        Assert.AreEqual(a.Fingerprint(), b.Fingerprint());
        Assert.IsNull(a.Difference(b.Describe()));
        var c = new SearchSpace().Float("lr", 1e-4, 0.1, log: true);
        Assert.AreNotEqual(a.Fingerprint(), c.Fingerprint());
    }

    [TestMethod]
    public void DefaultSpaceCoversTheIssuesKnobs()
    {
        var names = BatchNormCnnSearchSpace.Default().Parameters.Select(p => p.Name).ToHashSet();
        foreach (var name in new[]
        {
            BatchNormCnnSearchSpace.LearningRate, BatchNormCnnSearchSpace.BatchSize, BatchNormCnnSearchSpace.Optimizer,
            BatchNormCnnSearchSpace.LearningRateDecay, BatchNormCnnSearchSpace.BatchNormDecay, BatchNormCnnSearchSpace.BatchNormEpsilon,
            BatchNormCnnSearchSpace.KeepProbability, BatchNormCnnSearchSpace.UseBatchNorm, BatchNormCnnSearchSpace.Renorm,
            BatchNormCnnSearchSpace.GhostBatchSize,
        })
        {
            Assert.Contains(name, names);
        }

        Assert.IsTrue(BatchNormCnnSearchSpace.Default()[BatchNormCnnSearchSpace.LearningRate].Log);
    }

    [TestMethod]
    public void DifferenceNamesTheChangedMissingAndExtraParameters()
    {
        var stored = new SearchSpace().Float("lr", 1e-3, 0.1, log: true).Choice("opt", "adam", "sgd").Int("gone", 1, 3);
        var here = new SearchSpace().Float("lr", 1e-4, 0.1, log: true).Choice("opt", "adam", "sgd").Choice("new", "x");
        string difference = here.Difference(stored.Describe())!;
        StringAssert.Contains(difference, "'lr' is float [0.001, 0.1] log in the study but float [0.0001, 0.1] log here");
        StringAssert.Contains(difference, "'gone'");
        StringAssert.Contains(difference, "'new'");
        Assert.IsFalse(difference.Contains("'opt'", StringComparison.Ordinal));
    }

    [TestMethod]
    public void EmptyAndInvalidRangesAreClearErrors()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Float("lr", 0.1, 0.01));
        StringAssert.Contains(e.Message, "'lr'");
        StringAssert.Contains(e.Message, "empty");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Int("n", 5, 4)).Message, "empty");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Float("lr", 0, 1, log: true)).Message, "min > 0");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Choice("c")).Message, "at least one");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Choice("c", "x", "x")).Message, "twice");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new SearchSpace().Choice("c", "x").Choice("c", "y")).Message, "declared twice");
    }

    [TestMethod]
    public void UnitMappingStaysInRangeAndReachesEveryInteger()
    {
        var f = SearchParameter.Float("lr", 1e-4, 1e-1, log: true);
        var i = SearchParameter.Int("n", 1, 5, log: true);
        var seen = new HashSet<double>();
        for (int k = 0; k <= 1000; k++)
        {
            double u = k / 1000.0;
            var fv = f.FromUnit(u);
            Assert.IsTrue(f.Contains(fv), fv.ToString());
            var iv = i.FromUnit(u);
            Assert.IsTrue(i.Contains(iv), iv.ToString());
            seen.Add(iv.Number);
            Assert.AreEqual(fv.Number, f.FromUnit(f.ToUnit(fv)).Number, 1e-12 * fv.Number);
        }

        CollectionAssert.AreEquivalent(new double[] { 1, 2, 3, 4, 5 }, seen.ToArray());

        // Log scale: the geometric midpoint sits at u = 0.5.
        Assert.AreEqual(Math.Sqrt(1e-4 * 1e-1), f.FromUnit(0.5).Number, 1e-15);
    }

    [TestMethod]
    public void GridOfThreeByFourChoicesHasTwelveDistinctPoints()
    {
        var grid = new SearchSpace().Choice("a", "0", "1", "2").Choice("b", "0", "1", "2", "3").Grid(3);
        Assert.HasCount(12, grid);
        Assert.HasCount(12, grid.Select(p => p.Key()).Distinct().ToList());
    }
}
