using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class StudyStorageTests
{
    [TestMethod]
    public async Task PathsAndSqliteStringsOpenSqlite()
    {
        using var folder = new TempFolder();
        await using (var store = StudyStorage.Open(folder.File("a.db")))
        {
            Assert.AreEqual(Path.GetFullPath(folder.File("a.db")), store.Location);
        }

        await using (var store = StudyStorage.Open("sqlite:" + folder.File("b.db")))
        {
            var study = await store.OpenStudyAsync("s", new SearchSpace().Choice("c", "x"), StudyDirection.Maximize);
            Assert.AreEqual("s", study.Name);
        }

        Assert.IsTrue(File.Exists(folder.File("b.db")));
    }

    [TestMethod]
    public void UnknownSchemeIsAnErrorListingTheAcceptedForms()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => StudyStorage.Open("mysql://user@host/db"));
        StringAssert.Contains(e.Message, "'mysql'");
        StringAssert.Contains(e.Message, "sqlite:PATH");
        StringAssert.Contains(e.Message, "postgresql://");
        StringAssert.Contains(e.Message, "Host=");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => StudyStorage.Open("Server=x;Database=y")).Message, "'Server'");
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => StudyStorage.Open("  ")).Message, "empty");
    }

    [TestMethod]
    public async Task UnreachablePostgresIsAClearError()
    {
        // Port 1 on loopback: nothing listens, the connection is refused at once.
        await using var store = StudyStorage.Open("postgresql://sweeper:secret@127.0.0.1:1/sweeps");
        var e = await Assert.ThrowsExactlyAsync<StudyStoreException>(() => store.OpenStudyAsync("s", new SearchSpace().Choice("c", "x"), StudyDirection.Maximize));
        StringAssert.Contains(e.Message, "Cannot reach");
        StringAssert.Contains(e.Message, "127.0.0.1:1");
    }

    [TestMethod]
    public void PostgresUriBecomesAnNpgsqlConnection()
    {
        var builder = PostgresUri.ToBuilder("postgresql://us%40er:p%3Ass@db.example:6543/sweeps?sslmode=disable");
        Assert.AreEqual("db.example", builder.Host);
        Assert.AreEqual(6543, builder.Port);
        Assert.AreEqual("us@er", builder.Username);
        Assert.AreEqual("p:ss", builder.Password);
        Assert.AreEqual("sweeps", builder.Database);
    }

    [TestMethod]
    public async Task StudyCreatedWithAnotherSpaceIsRefusedNamingTheDifference()
    {
        using var folder = new TempFolder();
        await using var store = StudyStorage.Open(folder.File("s.db"));
        await store.OpenStudyAsync("study", new SearchSpace().Float("lr", 1e-3, 0.1, log: true), StudyDirection.Maximize);
        var e = await Assert.ThrowsExactlyAsync<StudyStoreException>(() =>
            store.OpenStudyAsync("study", new SearchSpace().Float("lr", 1e-4, 0.1, log: true), StudyDirection.Maximize));
        StringAssert.Contains(e.Message, "'lr' is float [0.001, 0.1] log in the study but float [0.0001, 0.1] log here");
        var d = await Assert.ThrowsExactlyAsync<StudyStoreException>(() =>
            store.OpenStudyAsync("study", new SearchSpace().Float("lr", 1e-3, 0.1, log: true), StudyDirection.Minimize));
        StringAssert.Contains(d.Message, "maximize");
    }

    [TestMethod]
    public async Task ValuesAreStoredAtFullPrecision()
    {
        using var folder = new TempFolder();
        await using var store = StudyStorage.Open(folder.File("p.db"));
        await StoreContract.FullPrecisionAsync(store);
    }
}
