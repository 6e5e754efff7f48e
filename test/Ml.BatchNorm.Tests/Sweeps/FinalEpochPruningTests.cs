using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>The last epoch's value is a trial's result, so no pruner is asked there.</summary>
[TestClass]
public sealed class FinalEpochPruningTests
{
    private sealed class AlwaysPrune : IPruner
    {
        public List<int> Asked { get; } = [];

        public string Name => "always";

        public bool ShouldPrune(TrialRecord trial, int step, IReadOnlyList<TrialRecord> history, StudyDirection direction)
        {
            Asked.Add(step);
            return true;
        }
    }

    [TestMethod]
    public async Task ATrialThatRanEveryEpochIsCompleteWhateverThePrunerThinks()
    {
        using var folder = new TempFolder();
        async Task<(SweepResult Result, List<int> Asked)> Run(int maxEpochs)
        {
            var pruner = new AlwaysPrune();
            var result = await new SweepExperiment().SetStorage(folder.File($"e{maxEpochs}.db"))
                .SetSearchSpace(new SearchSpace().Float("x", 0, 1)).SetTuner(new RandomTuner(1))
                .SetObjective(new Ml.BatchNorm.SweepWorker.SyntheticObjective(TimeSpan.Zero)).SetMaxEpochs(maxEpochs).SetTrialBudget(2)
                .SetCheckpointFolder(folder.File($"ck{maxEpochs}")).SetPruner(pruner).RunAsync();
            return (result, pruner.Asked);
        }

        var (single, askedSingle) = await Run(1);
        Assert.IsTrue(single.Trials.All(t => t.State == TrialState.Complete), "one epoch is the whole budget");
        Assert.IsEmpty(askedSingle);

        var (three, askedThree) = await Run(3);
        Assert.IsTrue(three.Trials.All(t => t.State == TrialState.Pruned && t.Intermediate.Count == 1), "pruned after the first of three epochs");
        CollectionAssert.AreEqual(new[] { 1, 1 }, askedThree);
    }
}
