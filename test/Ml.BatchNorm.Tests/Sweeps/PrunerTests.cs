using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class PrunerTests
{
    private static TrialRecord Trial(int number, TrialState state, params double[] values) => new()
    {
        Id = number,
        Number = number,
        State = state,
        Parameters = new TrialParameters(new Dictionary<string, ParameterValue>()),
        Intermediate = new SortedDictionary<int, double>(values.Select((v, i) => (v, i)).ToDictionary(p => p.i + 1, p => p.v)),
    };

    [TestMethod]
    public void MedianPrunesBelowTheCompletedMedianAfterStartupAndWarmup()
    {
        var done = new[] { Trial(0, TrialState.Complete, 0.5, 0.6), Trial(1, TrialState.Complete, 0.7, 0.8), Trial(2, TrialState.Complete, 0.9, 0.95) };
        var low = Trial(3, TrialState.Running, 0.6, 0.65);
        var high = Trial(4, TrialState.Running, 0.75, 0.9);
        var history = done.Append(low).Append(high).ToList();
        Assert.IsTrue(new MedianPruner(startupTrials: 3).ShouldPrune(low, 2, history, StudyDirection.Maximize));
        Assert.IsFalse(new MedianPruner(startupTrials: 3).ShouldPrune(high, 2, history, StudyDirection.Maximize));
        Assert.IsFalse(new MedianPruner(startupTrials: 4).ShouldPrune(low, 2, history, StudyDirection.Maximize), "start-up");
        Assert.IsFalse(new MedianPruner(startupTrials: 3, warmupSteps: 2).ShouldPrune(low, 2, history, StudyDirection.Maximize), "warm-up");

        // Minimizing, the same numbers read the other way.
        Assert.IsTrue(new MedianPruner(startupTrials: 3).ShouldPrune(high, 2, history, StudyDirection.Minimize));
    }

    [TestMethod]
    public void AshaPromotesTheTopThirdAtRungsOnly()
    {
        var pruner = new AshaPruner(minResource: 1, reductionFactor: 3);
        Assert.IsTrue(pruner.IsRung(1));
        Assert.IsTrue(pruner.IsRung(3));
        Assert.IsTrue(pruner.IsRung(9));
        Assert.IsFalse(pruner.IsRung(2));
        var others = Enumerable.Range(0, 5).Select(i => Trial(i, TrialState.Complete, 0.1 * (i + 1), 0.1 * (i + 1), 0.1 * (i + 1))).ToList();

        // Six values at rung 1: the top 6 / 3 = 2 continue: 0.55 beats all; 0.35 is below 0.5 and 0.4.
        var good = Trial(10, TrialState.Running, 0.55);
        var bad = Trial(11, TrialState.Running, 0.35);
        Assert.IsFalse(pruner.ShouldPrune(good, 1, others.Append(good).ToList(), StudyDirection.Maximize));
        Assert.IsTrue(pruner.ShouldPrune(bad, 1, others.Append(bad).ToList(), StudyDirection.Maximize));
        Assert.IsFalse(pruner.ShouldPrune(Trial(12, TrialState.Running, 0.0, 0.0), 2, others, StudyDirection.Maximize), "not a rung");

        // The first trial at a rung is the best there and continues.
        var first = Trial(13, TrialState.Running, 0.01);
        Assert.IsFalse(pruner.ShouldPrune(first, 1, [first], StudyDirection.Maximize));
    }
}
