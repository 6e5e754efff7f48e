using Ml.BatchNorm.Samples.Cli;
using Ml.BatchNorm.Sweeps;
using Ml.BatchNorm.SweepWorker;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class SweepCommandTests
{
    [TestMethod]
    public async Task ShowPrintsOneLinePerTrialAndTheSummary()
    {
        using var folder = new TempFolder();
        string storage = folder.File("show.db");

        // A study over the command's own search space, run with a synthetic objective (no training).
        var result = await new SweepExperiment().SetStorage(storage).SetStudyName("s").SetSearchSpace(BatchNormCnnSearchSpace.Default())
            .SetObjective(new SyntheticObjective(TimeSpan.Zero)).SetMaxEpochs(2).SetTrialBudget(3).SetCheckpointFolder(folder.File("ck")).RunAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = MlbnCommandLine.Run(["sweep", "--storage", storage, "--study", "s", "--show"], output, error);
        Assert.AreEqual(0, exit, error.ToString());
        var lines = output.ToString().TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        Assert.HasCount(4, lines);
        for (int i = 0; i < 3; i++)
        {
            StringAssert.StartsWith(lines[i], $"trial {i} complete ");
            Assert.AreEqual(result.Trials[i].Value!.Value, double.Parse(lines[i].Split(' ')[3], System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.AreEqual("trials: 3 complete, 0 pruned, 0 failed, 0 running", lines[3]);
    }

    [TestMethod]
    public void UnknownStorageSchemeIsAnError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = MlbnCommandLine.Run(["sweep", "--storage", "redis://x", "--study", "s", "--show"], output, error);
        Assert.AreNotEqual(0, exit);
        StringAssert.Contains(error.ToString(), "'redis'");
    }

    [TestMethod]
    public void PruningLaterThanTheLastEpochIsAUsageError()
    {
        using var folder = new TempFolder();
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exit = MlbnCommandLine.Run(["sweep", "--storage", folder.File("s.db"), "--study", "s", "--max-epochs", "3", "--min-epochs", "4", "--pruner", "asha"], output, error);
        Assert.AreEqual(2, exit);
        StringAssert.Contains(error.ToString(), "--min-epochs 4 exceeds --max-epochs 3");
        Assert.IsFalse(File.Exists(folder.File("s.db")), "a usage error must not create the study");
    }
}
