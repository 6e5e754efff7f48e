using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class IdxDataFolderTests
{
    [TestMethod]
    public void LoadsTrainAndTestFromGzippedStandardNames()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 1, 2, 1], height: 3, width: 2);
        IdxTestFiles.WriteSet(folder, "t10k", [2, 0], height: 3, width: 2);

        var data = IdxDataFolder.Open(folder.Path);
        var train = data.LoadTrain();
        var test = data.LoadTest();

        Assert.AreEqual(folder.Path, data.Folder);
        Assert.AreEqual(4, train.Count);
        Assert.AreEqual(2, test.Count);
        Assert.AreEqual(3, train.Height);
        Assert.AreEqual(2, train.Width);
        CollectionAssert.AreEqual(new byte[] { 2, 0 }, test.Labels.ToArray());
        CollectionAssert.AreEqual(IdxTestFiles.Pixels(4, 3, 2), train.PixelBytes.ToArray());
    }

    [TestMethod]
    public void AcceptsTheDottedSpellingUncompressed()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 1], gzip: false, dotted: true);
        IdxTestFiles.WriteSet(folder, "t10k", [1], gzip: false, dotted: true);

        var data = IdxDataFolder.Open(folder.Path);

        Assert.AreEqual(2, data.LoadTrain().Count);
        Assert.AreEqual(folder.File("t10k-images.idx3-ubyte"), data.LoadTest().Source);
    }

    [TestMethod]
    public void NumberedNamesCoverTheLargestLabelOfEitherSet()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 1]);
        IdxTestFiles.WriteSet(folder, "t10k", [3]);

        var data = IdxDataFolder.Open(folder.Path);

        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3" }, data.LabelNames.ToArray());
        Assert.AreEqual(4, data.LoadTrain().ClassCount);
        Assert.AreEqual(4, data.LoadTest().ClassCount);
    }

    [TestMethod]
    public void LabelsTextNamesTheClassesIgnoringTrailingBlankLines()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 1]);
        IdxTestFiles.WriteSet(folder, "t10k", [1]);
        File.WriteAllText(folder.File("labels.txt"), "cat\r\ndog\nbird\n\n  \n");

        var data = IdxDataFolder.Open(folder.Path);

        CollectionAssert.AreEqual(new[] { "cat", "dog", "bird" }, data.LabelNames.ToArray());
        CollectionAssert.AreEqual(new[] { "cat", "dog", "bird" }, data.LoadTrain().LabelNames.ToArray());
    }

    [TestMethod]
    public void NamesArgumentTakesPrecedenceOverLabelsText()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 1]);
        IdxTestFiles.WriteSet(folder, "t10k", [1]);
        File.WriteAllText(folder.File("labels.txt"), "cat\ndog\n");

        var data = IdxDataFolder.Open(folder.Path, ["left", "right"]);

        CollectionAssert.AreEqual(new[] { "left", "right" }, data.LoadTest().LabelNames.ToArray());
    }

    [TestMethod]
    public void LabelsTextThatDoesNotCoverTheLabelsIsAnError()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0, 2]);
        IdxTestFiles.WriteSet(folder, "t10k", [1]);
        File.WriteAllText(folder.File("labels.txt"), "cat\ndog\n");

        var data = IdxDataFolder.Open(folder.Path);
        string message = Assert.ThrowsExactly<InvalidDataException>(() => data.LoadTrain()).Message;

        StringAssert.Contains(message, folder.File("train-labels-idx1-ubyte.gz"));
        StringAssert.Contains(message, folder.File("labels.txt"));
        StringAssert.Contains(message, "label 2 at index 1");
    }

    [TestMethod]
    public void BlankLineInsideLabelsTextIsAnError()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0]);
        IdxTestFiles.WriteSet(folder, "t10k", [0]);
        File.WriteAllText(folder.File("labels.txt"), "cat\n\ndog\n");

        string message = Assert.ThrowsExactly<InvalidDataException>(() => IdxDataFolder.Open(folder.Path)).Message;

        StringAssert.Contains(message, folder.File("labels.txt"));
        StringAssert.Contains(message, "line 2 is blank");
    }

    [TestMethod]
    public void MissingFileErrorListsEverySpellingAndSuggestsDataOption()
    {
        using var folder = new TempFolder();
        IdxTestFiles.WriteSet(folder, "train", [0]);
        IdxTestFiles.Write(folder.File("t10k-images-idx3-ubyte.gz"), IdxTestFiles.ImagesFile(1, 3, 2, IdxTestFiles.Pixels(1, 3, 2)), gzip: true);

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => IdxDataFolder.Open(folder.Path));

        StringAssert.Contains(error.Message, folder.Path);
        foreach (string spelling in new[] { "t10k-labels-idx1-ubyte", "t10k-labels-idx1-ubyte.gz", "t10k-labels.idx1-ubyte", "t10k-labels.idx1-ubyte.gz" })
        {
            StringAssert.Contains(error.Message, spelling);
        }

        StringAssert.Contains(error.Message, "--data");
    }

    [TestMethod]
    public void MissingFolderIsReportedWithItsPath()
    {
        using var folder = new TempFolder();
        string missing = folder.File("absent");

        var error = Assert.ThrowsExactly<DirectoryNotFoundException>(() => IdxDataFolder.Open(missing));

        StringAssert.Contains(error.Message, missing);
        StringAssert.Contains(error.Message, "--data");
    }

    [TestMethod]
    public void FashionMnistNamesAreTheTenDocumentedClasses()
    {
        CollectionAssert.AreEqual(
            new[] { "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot" },
            IdxDataFolder.FashionMnistLabelNames.ToArray());
    }
}
