using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Diagnostics;

[TestClass]
public sealed class BatchNormHorizonTests
{
    [TestMethod]
    public void SlowDecayOnAShortRunWarns()
    {
        var finding = BatchNormHorizon.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.999 }), 200).Single();
        Assert.AreEqual(DiagnosticCodes.LongAveragingHorizon, finding.Code);
        Assert.AreEqual(DiagnosticSeverity.Warning, finding.Severity);
        StringAssert.Contains(finding.Message, "1000 steps");
        StringAssert.Contains(finding.Message, "81.9 %", "0.999^200 of the initial values remain");
        StringAssert.Contains(finding.Suggestion, "0.975", "at most 1 - 5/200");
    }

    [TestMethod]
    public void SeedDecayOnAThousandStepsIsQuiet()
    {
        Assert.IsEmpty(BatchNormHorizon.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.95 }), 1000));
        Assert.IsEmpty(BatchNormHorizon.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.999 }), 5000));
        Assert.IsEmpty(BatchNormHorizon.Check(SeedNetworks.Model2(), 10));
    }

    [TestMethod]
    public void HorizonIsOneOverOneMinusDecay()
    {
        Assert.AreEqual(20, BatchNormHorizon.Horizon(0.95), 1e-9);
        Assert.AreEqual(1000, BatchNormHorizon.Horizon(0.999), 1e-6);
    }

    [TestMethod]
    public void AveragesWithoutStartUpBiasAreQuiet()
    {
        foreach (var mode in new[] { MovingStatistics.ExponentialAverageWithWarmUp, MovingStatistics.CumulativeAverage })
        {
            Assert.IsEmpty(BatchNormHorizon.Check(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.999, MovingStatistics = mode }), 200), mode.ToString());
        }
    }

    [TestMethod]
    public void AVeryShortRunIsNotToldToUseADecayOfZero()
    {
        var finding = BatchNormHorizon.Check(SeedNetworks.Model1(new BatchNormOptions()), 2).Single();
        StringAssert.Contains(finding.Suggestion, "ExponentialAverageWithWarmUp");
        Assert.DoesNotContain("at most 0", finding.Suggestion);
    }
}
