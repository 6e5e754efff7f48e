using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class TensorBoardEventWriterTests
{
    [TestMethod]
    public void RecordsParseBackWithFileVersionTagsStepsAndValues()
    {
        using var folder = new TempFolder();
        string path;
        double before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        using (var writer = new TensorBoardEventWriter(folder.File("run")))
        {
            path = writer.FilePath;
            writer.AddScalar("train/accuracy", 0.5f, 10);
            writer.AddScalar("test/loss", 1.25f, 20);
            writer.AddScalar("test/accuracy", 0.875f, 3_000_000_000L);
        }

        StringAssert.StartsWith(Path.GetFileName(path), "events.out.tfevents.");
        var events = TensorBoardEventReader.Read(path);
        Assert.HasCount(4, events);
        Assert.AreEqual(TensorBoardEventWriter.FileVersion, events[0].FileVersion);
        Assert.IsEmpty(events[0].Values);
        Assert.IsGreaterThanOrEqualTo(before, events[0].WallTime);
        Assert.AreEqual(("train/accuracy", 0.5f), events[1].Values.Single());
        Assert.AreEqual(10L, events[1].Step);
        Assert.AreEqual(("test/loss", 1.25f), events[2].Values.Single());
        Assert.AreEqual(20L, events[2].Step);
        Assert.AreEqual(3_000_000_000L, events[3].Step);
        Assert.AreEqual(0.875f, events[3].Values.Single().Value);
    }

    [TestMethod]
    public void FileNameEndsWithUnixSecondsAndHost()
    {
        using var folder = new TempFolder();
        using var writer = new TensorBoardEventWriter(folder.Path);
        string[] parts = Path.GetFileName(writer.FilePath).Split('.');
        Assert.IsGreaterThanOrEqualTo(5, parts.Length);
        long seconds = long.Parse(parts[3], System.Globalization.CultureInfo.InvariantCulture);
        Assert.IsLessThan(5, Math.Abs(seconds - DateTimeOffset.UtcNow.ToUnixTimeSeconds()));
        Assert.IsFalse(string.IsNullOrEmpty(parts[4]));
    }
}
