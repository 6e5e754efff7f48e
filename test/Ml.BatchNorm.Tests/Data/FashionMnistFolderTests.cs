using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class FashionMnistFolderTests
{
    [TestMethod]
    public void TheInstalledDatasetLoadsWithTheDocumentedShapeAndNames()
    {
        if (!Directory.Exists(IdxDataFolder.DefaultFolder))
        {
            Assert.Inconclusive($"{IdxDataFolder.DefaultFolder} is not installed on this machine.");
        }

        var folder = IdxDataFolder.Open(IdxDataFolder.DefaultFolder);
        var train = folder.LoadTrain();
        var test = folder.LoadTest();

        Assert.AreEqual(60000, train.Count);
        Assert.AreEqual(10000, test.Count);
        Assert.AreEqual(28, train.Height);
        Assert.AreEqual(28, train.Width);
        Assert.AreEqual(28, test.Height);
        CollectionAssert.AreEqual(IdxDataFolder.FashionMnistLabelNames.ToArray(), train.LabelNames.ToArray());
        Assert.AreEqual(10, test.ClassCount);

        // Fashion-MNIST is balanced: 6000 training images per class.
        var perClass = new int[10];
        foreach (byte label in train.Labels)
        {
            perClass[label]++;
        }

        CollectionAssert.AreEqual(Enumerable.Repeat(6000, 10).ToArray(), perClass);
    }
}
