using Ml.BatchNorm.Samples.Cli;
using Ml.BatchNorm.Tests.Samples;
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
    [TestCategory("Training")]
    public void RedirectedSweepPrintsOneLinePerTrialStateChangeAndWritesAnMlNetBestModel()
    {
        _ = FashionMnist.Train; // inconclusive without the data
        using var folder = new TempFolder();
        string output = folder.File("out");
        var (exit, stdout, stderr) = Mlbn.RunProcess("sweep", "--train-rows", "600", "--validation-fraction", "0.5", "--trials", "2", "--max-epochs", "1",
            "--threads", "1", "--storage", folder.File("s.db"), "--output", output);
        Assert.AreEqual(0, exit, stderr);
        var lines = stdout.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        for (int trial = 0; trial < 2; trial++)
        {
            Assert.AreEqual(1, lines.Count(l => l.StartsWith($"trial {trial} running: ", StringComparison.Ordinal)), stdout);
            Assert.AreEqual(1, lines.Count(l => l.StartsWith($"trial {trial} complete ", StringComparison.Ordinal) && l.EndsWith(" after 1 epochs", StringComparison.Ordinal)), stdout);
        }

        StringAssert.Contains(stdout, "parameter importance");
        StringAssert.Contains(stdout, "  learning_rate ");
        foreach (var file in new[] { "trials.csv", "optimization-history.svg", "intermediate-values.svg", "parallel-coordinates.svg", "importance.svg" })
        {
            Assert.IsTrue(File.Exists(Path.Combine(output, file)), file);
        }

        // The best model is the best trial's own ML.NET model file, read as 'mlbn evaluate' reads it.
        var best = LoadedModel.Load(Path.Combine(output, "best-model.zip"));
        Assert.AreEqual(784, best.FeatureSize);
        Assert.HasCount(10, best.ClassNames);
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
