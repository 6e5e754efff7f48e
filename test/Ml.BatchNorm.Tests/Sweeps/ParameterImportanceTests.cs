using System.Xml.Linq;
using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class ParameterImportanceTests
{
    private static TrialRecord Trial(int number, double value, params (string Name, ParameterValue Value)[] parameters) => new()
    {
        Id = number,
        Number = number,
        State = TrialState.Complete,
        Value = value,
        Parameters = new TrialParameters(parameters.ToDictionary(p => p.Name, p => p.Value)),
    };

    [TestMethod]
    public void ExplainedVarianceIsTheCorrelationRatioOfTheGroups()
    {
        // Values 1, 3 | 5, 7 by choice: mean 4, total SS 9+1+1+9 = 20, between-group SS 2·(2-4)² + 2·(6-4)² = 16, η² = 0.8.
        // The constant choice explains nothing; a pruned trial does not count.
        var space = new SearchSpace().Choice("c", "a", "b").Choice("k", "x");
        var trials = new List<TrialRecord>
        {
            Trial(0, 1, ("c", ParameterValue.OfText("a")), ("k", ParameterValue.OfText("x"))),
            Trial(1, 3, ("c", ParameterValue.OfText("a")), ("k", ParameterValue.OfText("x"))),
            Trial(2, 5, ("c", ParameterValue.OfText("b")), ("k", ParameterValue.OfText("x"))),
            Trial(3, 7, ("c", ParameterValue.OfText("b")), ("k", ParameterValue.OfText("x"))),
            Trial(4, 100, ("c", ParameterValue.OfText("a")), ("k", ParameterValue.OfText("x"))) with { State = TrialState.Pruned },
        };
        var importance = ParameterImportance.Compute(trials, space);
        Assert.AreEqual("c", importance[0].Name);
        Assert.AreEqual(0.8, importance[0].ExplainedVariance, 1e-12);
        Assert.AreEqual(1.0, importance[0].Importance, 1e-12);
        Assert.AreEqual(0.0, importance[1].ExplainedVariance);
    }

    [TestMethod]
    public void RangesAreCutIntoQuantileBins()
    {
        // 9 trials → 3 bins of 3 ranks; a value that steps at the bin edges is explained entirely.
        var space = new SearchSpace().Float("lr", 1e-5, 1, log: true);
        double[] lrs = [1e-5, 3e-5, 1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1];
        var trials = lrs.Select((lr, i) => Trial(i, i / 3, ("lr", ParameterValue.OfNumber(lr)))).ToList();
        Assert.AreEqual(3, ParameterImportance.Bins(9));
        Assert.AreEqual(1.0, ParameterImportance.Compute(trials, space)[0].ExplainedVariance, 1e-12);
    }

    [TestMethod]
    public void TheParameterThatDrivesTheValueRanksFirstAndNoiseLast()
    {
        var space = new SearchSpace().Float("noise", 0, 1).Float("driver_log", 1e-4, 1, log: true).Choice("weak", "p", "q");
        var random = new Random(11);
        var trials = new List<TrialRecord>();
        for (int i = 0; i < 60; i++)
        {
            double driver = Math.Pow(10, -4 + (4 * random.NextDouble()));
            string weak = random.Next(2) == 0 ? "p" : "q";
            double value = Math.Log10(driver) + (weak == "q" ? 1.0 : 0) + (0.2 * random.NextDouble());
            trials.Add(Trial(i, value, ("noise", ParameterValue.OfNumber(random.NextDouble())), ("driver_log", ParameterValue.OfNumber(driver)), ("weak", ParameterValue.OfText(weak))));
        }

        var importance = ParameterImportance.Compute(trials, space);
        CollectionAssert.AreEqual(new[] { "driver_log", "weak", "noise" }, importance.Select(p => p.Name).ToArray(), string.Join(", ", importance));
        Assert.IsGreaterThan(0.6, importance[0].Importance);
        Assert.IsLessThan(0.15, importance[2].Importance);
        Assert.AreEqual(1.0, importance.Sum(p => p.Importance), 1e-12);

        var svg = XDocument.Parse(StudySvg.Importance(importance)).Root!;
        Assert.AreEqual(3, svg.Descendants().Count(e => e.Name.LocalName == "rect") - 1);
    }
}
