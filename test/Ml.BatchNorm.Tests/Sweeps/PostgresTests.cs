using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>
/// The store against a real PostgreSQL server, whose connection string comes from MLBN_TEST_POSTGRES
/// (eng/postgres.sh start prints one). Inconclusive without it.
/// </summary>
[TestClass]
public sealed class PostgresTests
{
    private static string Server()
    {
        string? url = Environment.GetEnvironmentVariable("MLBN_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(url))
        {
            Assert.Inconclusive("MLBN_TEST_POSTGRES is not set: start a server with eng/postgres.sh start and export its connection string.");
        }

        return url!;
    }

    [TestMethod]
    public async Task ValuesAreStoredAtFullPrecision()
    {
        await using var store = StudyStorage.Open(Server());
        await StoreContract.FullPrecisionAsync(store);
    }

    [TestMethod]
    public async Task StudyCreatedWithAnotherSpaceIsRefused()
    {
        await using var store = StudyStorage.Open(Server());
        string name = "space-" + Guid.NewGuid().ToString("N");
        await store.OpenStudyAsync(name, new SearchSpace().Choice("c", "x", "y"), StudyDirection.Maximize);
        var e = await Assert.ThrowsExactlyAsync<StudyStoreException>(() => store.OpenStudyAsync(name, new SearchSpace().Choice("c", "x"), StudyDirection.Maximize));
        StringAssert.Contains(e.Message, "'c' is choice {x, y} in the study but choice {x} here");
    }

    [TestMethod]
    public async Task TwoProcessesOnOneStudyClaimNoTrialTwice()
    {
        using var folder = new TempFolder();
        await MultiProcessScenarios.TwoProcessesShareAGridAsync(Server(), folder.File("ck"));
    }

    [TestMethod]
    public async Task KilledWorkerProcessIsFailedAndRetriedOnce()
    {
        using var folder = new TempFolder();
        await MultiProcessScenarios.KilledWorkerIsRetriedAsync(Server(), folder.File("ck"));
    }
}
