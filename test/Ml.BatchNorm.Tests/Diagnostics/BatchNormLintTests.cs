using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Diagnostics;

[TestClass]
public sealed class BatchNormLintTests
{
    [TestMethod]
    public void SeedNetworksAreClean()
    {
        Assert.IsEmpty(BatchNormLint.Check(SeedNetworks.Model1()));
        Assert.IsEmpty(BatchNormLint.Check(SeedNetworks.Model2()));
    }

    [TestMethod]
    public void BiasFeedingBatchNormIsReportedForConvolutionAndDense()
    {
        var bn = new BatchNormLayer(new BatchNormOptions());
        var spec = new NetworkSpec(1, 28, 28,
        [
            new ConvolutionLayer(8, 3, UseBias: true), bn, new ReluLayer(), new FlattenLayer(),
            new DenseLayer(16, UseBias: true), bn, new ReluLayer(), new DenseLayer(10),
        ]);
        var findings = BatchNormLint.Check(spec);
        Assert.HasCount(2, findings);
        Assert.IsTrue(findings.All(f => f.Code == DiagnosticCodes.BiasBeforeBatchNorm));
        CollectionAssert.AreEqual(new int?[] { 0, 4 }, findings.Select(f => f.Layer).ToArray());
        StringAssert.Contains(findings[0].Suggestion, "UseBias");
    }

    [TestMethod]
    public void DropoutUpstreamOfBatchNormIsReportedButNotAfterTheLastOne()
    {
        var bn = new BatchNormLayer(new BatchNormOptions());
        var spec = new NetworkSpec(1, 28, 28,
        [
            new ConvolutionLayer(8, 3), new DropoutLayer(0.5), bn, new ReluLayer(), new FlattenLayer(),
            new DenseLayer(16, UseBias: false), bn, new ReluLayer(), new DropoutLayer(0.7), new DenseLayer(10),
        ]);
        var finding = BatchNormLint.Check(spec).Single();
        Assert.AreEqual(DiagnosticCodes.DropoutBeforeBatchNorm, finding.Code);
        Assert.AreEqual(1, finding.Layer);
        StringAssert.Contains(finding.Message, "directly");
    }

    [TestMethod]
    public void DecayThatLooksLikeAPyTorchMomentumIsReported()
    {
        var finding = BatchNormLint.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.1 })).Distinct().First();
        Assert.AreEqual(DiagnosticCodes.DecayLooksLikeMomentum, finding.Code);
        StringAssert.Contains(finding.Suggestion, nameof(BatchNormOptions.FromPyTorchMomentum));
        StringAssert.Contains(finding.Suggestion, "0.9");
        Assert.IsEmpty(BatchNormLint.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.9 })));
    }
}
