namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class SqliteMultiProcessTests
{
    [TestMethod]
    public async Task TwoProcessesOnOneStudyClaimNoTrialTwice()
    {
        using var folder = new TempFolder();
        await MultiProcessScenarios.TwoProcessesShareAGridAsync(folder.File("grid.db"), folder.File("ck"));
    }

    [TestMethod]
    public async Task KilledWorkerProcessIsFailedAndRetriedOnce()
    {
        using var folder = new TempFolder();
        await MultiProcessScenarios.KilledWorkerIsRetriedAsync("sqlite:" + folder.File("kill.db"), folder.File("ck"));
    }
}
