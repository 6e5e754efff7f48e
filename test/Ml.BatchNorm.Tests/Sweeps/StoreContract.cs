using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>Checks every store must pass, shared by the SQLite and PostgreSQL tests.</summary>
internal static class StoreContract
{
    public static async Task FullPrecisionAsync(IStudyStore store)
    {
        double x = Math.PI / 3e7;
        double reported = 1.0 / 3.0;
        var space = new SearchSpace().Float("x", 0, 1);
        var study = await store.OpenStudyAsync("precision-" + Guid.NewGuid().ToString("N"), space, StudyDirection.Maximize);
        var claim = await store.ClaimAsync(study, new ClaimRequest
        {
            Worker = "w",
            Propose = (_, _) => new TrialParameters(new Dictionary<string, ParameterValue> { ["x"] = ParameterValue.OfNumber(x) }),
        });
        Assert.AreEqual(ClaimStatus.Claimed, claim.Status);
        await store.ReportAsync(claim.Trial!.Id, 1, reported);
        Assert.IsTrue(await store.FinishAsync(claim.Trial.Id, "w", TrialState.Complete, Math.E, null));
        var trial = (await store.GetTrialsAsync(study.Id)).Single();
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(x), BitConverter.DoubleToInt64Bits(trial.Parameters.GetDouble("x")));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(reported), BitConverter.DoubleToInt64Bits(trial.Intermediate[1]));
        Assert.AreEqual(BitConverter.DoubleToInt64Bits(Math.E), BitConverter.DoubleToInt64Bits(trial.Value!.Value));
        Assert.AreEqual(TrialState.Complete, trial.State);

        // A worker that no longer holds the trial cannot end it again.
        Assert.IsFalse(await store.FinishAsync(claim.Trial.Id, "w", TrialState.Failed, null, "late"));
    }
}
