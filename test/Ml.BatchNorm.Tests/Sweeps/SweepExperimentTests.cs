using Ml.BatchNorm.Sweeps;
using Ml.BatchNorm.SweepWorker;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class SweepExperimentTests
{
    private static readonly SearchSpace Space = new SearchSpace().Float("x_log", 1e-4, 1, log: true).Int("n", 1, 8).Choice("c", "p", "q", "r");

    private static SweepExperiment Experiment(string storage, string checkpoints, ITuner tuner, int budget, TimeSpan? epochTime = null) => new SweepExperiment()
        .SetStorage(storage)
        .SetStudyName("study")
        .SetSearchSpace(Space)
        .SetTuner(tuner)
        .SetMaxEpochs(2)
        .SetObjective(new SyntheticObjective(epochTime ?? TimeSpan.Zero))
        .SetCheckpointFolder(checkpoints)
        .SetTrialBudget(budget);

    [TestMethod]
    [DataRow("random")]
    [DataRow("tpe")]
    public async Task ResumeRepeatsTheUninterruptedSequence(string tunerName)
    {
        using var folder = new TempFolder();
        ITuner Tuner() => tunerName == "tpe" ? new TpeTuner(seed: 11, startupTrials: 3) : new RandomTuner(seed: 11);
        var whole = await Experiment(folder.File("whole.db"), folder.File("ck-whole"), Tuner(), 10).RunAsync();

        var first = await Experiment(folder.File("parts.db"), folder.File("ck-parts"), Tuner(), 5).RunAsync();
        Assert.HasCount(5, first.Trials);
        var resumed = await Experiment(folder.File("parts.db"), folder.File("ck-parts"), Tuner(), 10).RunAsync();

        Assert.HasCount(10, whole.Trials);
        CollectionAssert.AreEqual(whole.Trials.Select(t => t.Parameters.Key()).ToList(), resumed.Trials.Select(t => t.Parameters.Key()).ToList());
        Assert.AreEqual(whole.Best!.Parameters.Key(), resumed.Best!.Parameters.Key());

        // A finished study runs nothing more.
        var again = await Experiment(folder.File("parts.db"), folder.File("ck-parts"), Tuner(), 10).RunAsync();
        Assert.HasCount(10, again.Trials);
    }

    [TestMethod]
    public async Task CancelledTrialGoesBackToTheQueueAndResumesFromItsCheckpoint()
    {
        using var folder = new TempFolder();
        using var cancel = new CancellationTokenSource();
        var observer = new CancelAfterReports(cancel, reports: 3);
        var experiment = Experiment(folder.File("c.db"), folder.File("ck"), new RandomTuner(2), 3, TimeSpan.FromMilliseconds(20)).SetObserver(observer);
        var stopped = await experiment.RunAsync(cancel.Token);
        StringAssert.Contains(stopped.StopReason, "cancelled");
        var queued = stopped.Trials.Single(t => t.State == TrialState.Queued);
        Assert.AreEqual(1, queued.Number);
        Assert.HasCount(1, queued.Intermediate);

        var finished = await Experiment(folder.File("c.db"), folder.File("ck"), new RandomTuner(2), 3).RunAsync();
        Assert.HasCount(3, finished.Trials);
        Assert.IsTrue(finished.Trials.All(t => t.State == TrialState.Complete));
        Assert.AreEqual(queued.Parameters.Key(), finished.Trials[1].Parameters.Key());
        Assert.AreEqual(SyntheticObjective.ValueAt(queued.Parameters, 2, 2), finished.Trials[1].Value!.Value, 1e-12);
    }

    [TestMethod]
    public async Task TimeBudgetStopsAndLeavesTheRunningTrialResumable()
    {
        using var folder = new TempFolder();
        var stopped = await Experiment(folder.File("t.db"), folder.File("ck"), new RandomTuner(3), 50, TimeSpan.FromMilliseconds(100))
            .SetTimeBudget(TimeSpan.FromMilliseconds(500)).RunAsync();
        StringAssert.Contains(stopped.StopReason, "time budget");
        Assert.IsLessThan(50, stopped.Trials.Count(t => t.IsFinished));
        Assert.AreEqual(1, stopped.Trials.Count(t => t.State == TrialState.Queued));
        Assert.AreEqual(0, stopped.Trials.Count(t => t.State is TrialState.Running or TrialState.Failed));
    }

    [TestMethod]
    public async Task FailuresAreStoredNotCountedAndStopThePolicy()
    {
        using var folder = new TempFolder();
        var failing = new DelegateObjective(context => context.Trial.Number % 2 == 0 ? throw new InvalidOperationException("boom " + context.Trial.Number) : 0.5);
        var result = await new SweepExperiment().SetStorage(folder.File("f.db")).SetSearchSpace(Space).SetObjective(failing)
            .SetCheckpointFolder(folder.File("ck")).SetTrialBudget(3).RunAsync();
        Assert.AreEqual(3, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.AreEqual(3, result.Trials.Count(t => t.State == TrialState.Failed));
        StringAssert.Contains(result.Trials[0].Error, "InvalidOperationException: boom 0");

        var stopping = await new SweepExperiment().SetStorage(folder.File("g.db")).SetSearchSpace(Space)
            .SetObjective(new DelegateObjective((Func<TrialContext, double>)(_ => throw new InvalidOperationException("always"))))
            .SetCheckpointFolder(folder.File("ck2")).SetTrialBudget(10).SetFailurePolicy(SweepFailurePolicy.StopAfter(2)).RunAsync();
        Assert.HasCount(2, stopping.Trials);
        StringAssert.Contains(stopping.StopReason, "2 consecutive");
        Assert.IsNull(stopping.Best);
    }

    [TestMethod]
    public async Task PrunedTrialsCountAgainstTheBudgetAndKeepTheirLastValue()
    {
        using var folder = new TempFolder();
        var result = await Experiment(folder.File("p.db"), folder.File("ck"), new RandomTuner(4), 12)
            .SetMaxEpochs(4).SetPruner(new MedianPruner(startupTrials: 2)).RunAsync();
        int pruned = result.Trials.Count(t => t.State == TrialState.Pruned);
        Assert.IsGreaterThan(0, pruned);
        Assert.AreEqual(12, result.Trials.Count(t => t.IsFinished));
        foreach (var trial in result.Trials.Where(t => t.State == TrialState.Pruned))
        {
            Assert.AreEqual(trial.Intermediate.Last().Value, trial.Value!.Value);
            Assert.IsLessThan(4, trial.Intermediate.Count);
        }
    }

    [TestMethod]
    public void BadBudgetsAndMissingPartsAreClearErrors()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepExperiment().SetTrialBudget(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepExperiment().SetTimeBudget(TimeSpan.FromSeconds(-1)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepExperiment().SetParallelWorkers(0));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new SweepExperiment().SetHeartbeat(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(1)));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => new SweepExperiment().RunAsync().GetAwaiter().GetResult());
        StringAssert.Contains(e.Message, "SetStorage");
    }

    [TestMethod]
    public async Task ParallelWorkersInOneProcessShareTheBudget()
    {
        using var folder = new TempFolder();
        var result = await Experiment(folder.File("w.db"), folder.File("ck"), new RandomTuner(6), 8, TimeSpan.FromMilliseconds(10))
            .SetParallelWorkers(3).RunAsync();
        Assert.AreEqual(8, result.Trials.Count(t => t.State == TrialState.Complete));
        Assert.HasCount(8, result.Trials);
        Assert.IsGreaterThan(1, result.Trials.Select(t => t.Worker).Distinct().Count());
    }

    private sealed class CancelAfterReports(CancellationTokenSource cancel, int reports) : ISweepObserver
    {
        private int _count;

        public void TrialReported(TrialRecord trial, int step, double value)
        {
            if (Interlocked.Increment(ref _count) == reports)
            {
                cancel.Cancel();
            }
        }
    }
}
