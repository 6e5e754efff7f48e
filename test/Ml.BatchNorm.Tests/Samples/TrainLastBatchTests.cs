using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Tests.Samples;

/// <summary>`mlbn train --last-batch`: 65 images at batch 32 leave one image over each epoch.</summary>
[TestClass]
public sealed class TrainLastBatchTests
{
    private static (int Exit, string Error) Train(TempFolder folder, string policy)
    {
        var error = new StringWriter();
        int exit = MlbnCommandLine.Run(["train", "--train-rows", "65", "--test-rows", "50", "--epochs", "1", "--batch-size", "32", "--last-batch", policy, "--threads", "2", "--model", folder.File($"{policy}.zip")], TextWriter.Null, error);
        return (exit, error.ToString());
    }

    [TestMethod]
    public void KeepingABatchOfOneIsRejectedByTheDenseBatchNormAndMergingTrains()
    {
        _ = FashionMnist.Train; // inconclusive without the data
        using var folder = new TempFolder();
        var (keepExit, keepError) = Train(folder, "keep");
        Assert.AreEqual(ExitCodes.RuntimeError, keepExit);
        StringAssert.Contains(keepError, "1 value per channel");
        StringAssert.Contains(keepError, "merge the last partial batch");
        Assert.IsFalse(File.Exists(folder.File("keep.zip")), "nothing is saved when training fails");

        Assert.AreEqual((0, ""), Train(folder, "merge") with { Error = "" });
        Assert.IsTrue(File.Exists(folder.File("merge.zip")));
        Assert.AreEqual(0, Train(folder, "drop").Exit);
    }
}
