using Ml.BatchNorm.Sweeps;
using Ml.BatchNorm.SweepWorker;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>Pruning saves epochs and keeps the best trial, on a synthetic objective whose curves keep their ranking.</summary>
[TestClass]
public sealed class PruningSavingsTests
{
    private static readonly SearchSpace Space = new SearchSpace().Float("x_log", 1e-4, 1, log: true).Int("n", 1, 8).Choice("c", "p", "q", "r");

    [TestMethod]
    [DataRow("median")]
    [DataRow("asha")]
    public async Task PrunerUsesFewerEpochsAndFindsTheSameBest(string name)
    {
        using var folder = new TempFolder();
        async Task<SweepResult> Run(IPruner pruner, string file) => await new SweepExperiment()
            .SetStorage(folder.File(file)).SetSearchSpace(Space).SetTuner(new RandomTuner(21))
            .SetObjective(new SyntheticObjective(TimeSpan.Zero)).SetMaxEpochs(9).SetTrialBudget(20)
            .SetCheckpointFolder(folder.File("ck-" + file)).SetPruner(pruner).RunAsync();

        var full = await Run(new NoPruner(), "none.db");
        var pruned = await Run(name == "asha" ? new AshaPruner(minResource: 1, reductionFactor: 3) : new MedianPruner(startupTrials: 2, warmupSteps: 0), name + ".db");
        int fullEpochs = full.Trials.Sum(t => t.Intermediate.Count);
        int prunedEpochs = pruned.Trials.Sum(t => t.Intermediate.Count);
        Assert.IsLessThanOrEqualTo(0.6 * fullEpochs, prunedEpochs, $"{prunedEpochs} of {fullEpochs} epochs");
        Assert.AreEqual(full.Best!.Value!.Value, pruned.Best!.Value!.Value, 1e-12);
        Assert.AreEqual(full.Best.Parameters.Key(), pruned.Best.Parameters.Key());
    }
}
