namespace Ml.BatchNorm.Tests.Files;

/// <summary>TensorBoard event files written through TorchSharp's SummaryWriter (as <c>mlbn compare-bn</c> does) read back with their framing and CRCs checked.</summary>
[TestClass]
public sealed class SummaryWriterEventsTests
{
    [TestMethod]
    public void RecordsParseBackWithFileVersionTagsStepsAndValues()
    {
        Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();
        using var folder = new TempFolder();
        double before = DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 1;
        var writer = TorchSharp.torch.utils.tensorboard.SummaryWriter(folder.File("run"), createRunName: false);
        writer.add_scalar("train/accuracy", 0.5f, 10);
        writer.add_scalar("test/loss", 1.25f, 20);
        writer.add_scalar("test/accuracy", 0.875f, 2_000_000_000);

        string path = Directory.GetFiles(folder.File("run")).Single();
        StringAssert.StartsWith(Path.GetFileName(path), "events.out.tfevents.");
        var events = TensorBoardEventReader.Read(path);
        Assert.HasCount(4, events);
        Assert.AreEqual("brain.Event:2", events[0].FileVersion);
        Assert.IsEmpty(events[0].Values);
        Assert.IsGreaterThanOrEqualTo(before, events[0].WallTime);
        Assert.AreEqual(("train/accuracy", 0.5f), events[1].Values.Single());
        Assert.AreEqual(10L, events[1].Step);
        Assert.AreEqual(("test/loss", 1.25f), events[2].Values.Single());
        Assert.AreEqual(20L, events[2].Step);
        Assert.AreEqual(2_000_000_000L, events[3].Step);
        Assert.AreEqual(0.875f, events[3].Values.Single().Value);
    }
}
