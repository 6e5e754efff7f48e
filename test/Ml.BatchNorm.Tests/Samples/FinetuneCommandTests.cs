using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Tests.Samples;

[TestClass]
public sealed class FinetuneCommandTests
{
    [TestMethod]
    public void PretrainOnFiveClassesThenFineTuneOnTheOtherFiveUnderEveryPolicy()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string model = folder.File("pre.zip");
        var (trainExit, _, trainError) = Mlbn.Run("train", "--classes", "0-4", "--train-rows", "640", "--test-rows", "200", "--iterations", "10", "--batch-size", "32", "--threads", "2", "--model", model);
        Assert.AreEqual(0, trainExit, trainError);

        string output = folder.File("tuned");
        var (exit, _, error) = Mlbn.Run("finetune", "--model", model, "--classes", "5-9", "--train-rows", "320", "--test-rows", "128", "--iterations", "4", "--batch-size", "32", "--threads", "2", "--output", output);
        Assert.AreEqual(0, exit, error);
        foreach (string policy in new[] { "full", "statistics-frozen", "affine-frozen", "both-frozen" })
        {
            string path = Path.Combine(output, $"finetune-{policy}.zip");
            Assert.IsTrue(File.Exists(path), path);
            using var tuned = BatchNormCnnModel.Load(path);
            Assert.AreEqual(10, tuned.Trained.Network.OutputSize);
        }
    }

    [TestMethod]
    [DataRow("0-4", new[] { 0, 1, 2, 3, 4 })]
    [DataRow("5,6,7", new[] { 5, 6, 7 })]
    [DataRow("0-1, 7", new[] { 0, 1, 7 })]
    public void ClassListsParse(string text, int[] expected) =>
        CollectionAssert.AreEquivalent(expected, DataOptions.ParseClasses(text).ToArray());

    [TestMethod]
    [DataRow("4-2")]
    [DataRow("a")]
    [DataRow("1-2-3")]
    [DataRow(",")]
    public void BadClassListsAreUsageErrorsNamingTheOption(string text)
    {
        var (exit, _, error) = Mlbn.Run("finetune", "--model", "m.zip", "--classes", text);
        Assert.AreEqual(ExitCodes.UsageError, exit);
        StringAssert.Contains(error, "--classes");
    }
}
