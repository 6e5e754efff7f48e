using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>The multi-process scenarios, run against SQLite and PostgreSQL alike.</summary>
internal static class MultiProcessScenarios
{
    /// <summary>
    /// Two worker processes on one grid study while this process polls the study: 12 distinct
    /// configurations, each claimed by exactly one process, and neither worker fails.
    /// </summary>
    public static async Task TwoProcessesShareAGridAsync(string storage, string checkpoints)
    {
        string study = "grid-" + Guid.NewGuid().ToString("N")[..8];
        string[] arguments = [storage, study, "grid3x4", "grid", "-1", "2", "30", "200", "5000", checkpoints];
        using var first = new SweepWorkerProcess(arguments);
        using var second = new SweepWorkerProcess(arguments);

        // The polling reader: it must never make a worker fail, and it never sees a duplicate.
        await using var reader = StudyStorage.Open(storage);
        int polls = 0;
        while (!first.HasExited || !second.HasExited)
        {
            if (await reader.FindStudyAsync(study) is { } info)
            {
                var snapshot = await reader.GetTrialsAsync(info.Id);
                Assert.AreEqual(snapshot.Count, snapshot.Select(t => t.Parameters.Key()).Distinct().Count());
                polls++;
            }

            await Task.Delay(10);
        }

        Assert.AreEqual(0, await first.WaitAsync(TimeSpan.FromMinutes(1)), first.Output);
        Assert.AreEqual(0, await second.WaitAsync(TimeSpan.FromMinutes(1)), second.Output);
        var found = await reader.FindStudyAsync(study);
        var trials = await reader.GetTrialsAsync(found!.Id);
        Assert.HasCount(12, trials);
        Assert.IsTrue(trials.All(t => t.State == TrialState.Complete), string.Join("\n", trials.Select(t => $"{t.Number} {t.State} {t.Error}")));
        Assert.HasCount(12, trials.Select(t => t.Parameters.Key()).Distinct().ToList());
        var claimed = first.Claimed.Concat(second.Claimed).ToList();
        Assert.HasCount(12, claimed, first.Output + second.Output);
        Assert.HasCount(12, claimed.Distinct().ToList());
        Assert.IsGreaterThan(0, first.Claimed.Count);
        Assert.IsGreaterThan(0, second.Claimed.Count);
        Assert.IsGreaterThan(0, polls);
    }

    /// <summary>
    /// Kill -9 a worker mid-trial and start it again: finished trials are intact, the killed trial is
    /// failed and retried once (resuming after its checkpointed epoch), exactly N trials complete, numbers unique.
    /// </summary>
    public static async Task KilledWorkerIsRetriedAsync(string storage, string checkpoints)
    {
        const int budget = 4;
        string study = "kill-" + Guid.NewGuid().ToString("N")[..8];
        string[] arguments = [storage, study, "mixed", "random", budget.ToString(System.Globalization.CultureInfo.InvariantCulture), "3", "150", "100", "2000", checkpoints];
        await using var store = StudyStorage.Open(storage);
        IReadOnlyList<TrialRecord> before;
        using (var victim = new SweepWorkerProcess(arguments))
        {
            // Kill when one trial is complete and the next has reported an epoch but not finished.
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                Assert.IsLessThan(deadline, DateTime.UtcNow, "the worker never reached the middle of its second trial:\n" + victim.Output);
                Assert.IsFalse(victim.HasExited, victim.Output);
                if (await store.FindStudyAsync(study) is { } info)
                {
                    before = await store.GetTrialsAsync(info.Id);
                    if (before.Any(t => t.State == TrialState.Complete) && before.Any(t => t.State == TrialState.Running && t.Intermediate.Count is 1))
                    {
                        victim.KillHard();
                        break;
                    }
                }

                await Task.Delay(20);
            }
        }

        before = await store.GetTrialsAsync((await store.FindStudyAsync(study))!.Id);
        var killed = before.Single(t => t.State == TrialState.Running);
        using (var restarted = new SweepWorkerProcess(arguments))
        {
            Assert.AreEqual(0, await restarted.WaitAsync(TimeSpan.FromMinutes(1)), restarted.Output);
        }

        var after = await store.GetTrialsAsync((await store.FindStudyAsync(study))!.Id);
        foreach (var finished in before.Where(t => t.State == TrialState.Complete))
        {
            var now = after.Single(t => t.Number == finished.Number);
            Assert.AreEqual(TrialState.Complete, now.State);
            Assert.AreEqual(finished.Value, now.Value);
        }

        var failed = after.Single(t => t.Number == killed.Number);
        Assert.AreEqual(TrialState.Failed, failed.State);
        StringAssert.Contains(failed.Error, "stopped beating");
        var retry = after.Single(t => t.RetryOf == killed.Number);
        Assert.AreEqual(2, retry.Attempt);
        Assert.AreEqual(TrialState.Complete, retry.State);
        Assert.AreEqual(killed.Parameters.Key(), retry.Parameters.Key());
        Assert.IsGreaterThan(1, retry.Intermediate.Keys.Min(), "the retry resumes after the killed attempt's checkpointed epoch");
        Assert.AreEqual(budget, after.Count(t => t.State == TrialState.Complete));
        Assert.AreEqual(1, after.Count(t => t.State == TrialState.Failed));
        Assert.AreEqual(after.Count, after.Select(t => t.Number).Distinct().Count());
    }
}
