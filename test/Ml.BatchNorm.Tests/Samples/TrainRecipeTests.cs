namespace Ml.BatchNorm.Tests.Samples;

/// <summary>`mlbn train --recipe best`: the sweep's recipe is the starting point, and explicit flags still win.</summary>
[TestClass]
public sealed class TrainRecipeTests
{
    [TestMethod]
    public void BestRecipeSetsItsOptionsAndFlagsOverrideThem()
    {
        _ = FashionMnist.Train; // inconclusive without the data
        using var folder = new TempFolder();
        var (exit, output, error) = Mlbn.RunProcess("train", "--recipe", "best", "--train-rows", "512", "--test-rows", "100", "--epochs", "1", "--threads", "2", "--model", folder.File("best.zip"));
        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "optimizer Adam lr 0.002 (cosine) batch 256 1 epochs seed 1 augmentation shift 1, flip label smoothing 0.1 device");

        (exit, output, error) = Mlbn.RunProcess("train", "--recipe", "best", "--shift", "0", "--batch-size", "128", "--label-smoothing", "0", "--schedule", "staircase", "--train-rows", "512", "--test-rows", "100", "--epochs", "1", "--threads", "2", "--model", folder.File("flip.zip"));
        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "optimizer Adam lr 0.002 batch 128 1 epochs seed 1 augmentation flip device");
    }
}
