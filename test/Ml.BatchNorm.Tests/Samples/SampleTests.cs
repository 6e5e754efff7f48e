using Ml.BatchNorm.Data;
using Ml.BatchNorm.Samples.Cli;
using Ml.BatchNorm.Samples.Samples;

namespace Ml.BatchNorm.Tests.Samples;

/// <summary>Every sample runs on shrunk data, so none of them rots.</summary>
[TestClass]
public sealed class SampleTests
{
    [TestMethod]
    public void EverySampleRunsOnShrunkData()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        var outputs = new Dictionary<string, string>();
        foreach (var sample in SampleCatalog.All)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            int exit = MlbnCommandLine.Run(["sample", sample.Name, "--data", IdxDataFolder.DefaultFolder, "--work", folder.Path, "--train-rows", "640", "--test-rows", "200"], output, error);
            Assert.AreEqual(0, exit, $"{sample.Name}: {error}");
            Assert.IsFalse(string.IsNullOrWhiteSpace(output.ToString()), sample.Name);
            outputs[sample.Name] = output.ToString();
        }

        StringAssert.Contains(outputs["cross-validate"], "fold 2:");
        StringAssert.Contains(outputs["cross-validate"], "mean accuracy");
        StringAssert.Contains(outputs["load-and-score-images"], "test-0.png: predicted");
        Assert.IsTrue(File.Exists(Path.Combine(folder.Path, "sample-images", "test-0.png")));

        Assert.IsTrue(File.Exists(Path.Combine(folder.Path, "sample-model.zip")));
    }

    [TestMethod]
    public void UnknownSampleIsAUsageError()
    {
        int exit = MlbnCommandLine.Run(["sample", "no-such-sample"], new StringWriter(), new StringWriter());
        Assert.AreEqual(ExitCodes.UsageError, exit);
    }
}
