using Microsoft.ML;
using Microsoft.ML.Data;
using static Ml.BatchNorm.Tests.Data.IdxTestFiles;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class IdxCatalogTests
{
    private readonly MLContext _ml = new(seed: 1);

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void RowsHoldTheLabelAndEveryPixelAsByteOver255(bool gzip)
    {
        using var folder = new TempFolder();
        byte[] pixels = Pixels(3, 2, 4);
        byte[] labels = [7, 0, 255];
        var view = _ml.Data.LoadFromIdx(
            Write(folder.File("images"), ImagesFile(3, 2, 4, pixels), gzip),
            Write(folder.File("labels"), LabelsFile(labels), gzip));

        Assert.AreEqual(NumberDataViewType.UInt32, view.Schema["Label"].Type);
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 8), view.Schema["Features"].Type);
        Assert.AreEqual(3L, view.GetRowCount());
        CollectionAssert.AreEqual(labels.Select(b => (uint)b).ToArray(), view.GetColumn<uint>("Label").ToArray());
        var features = view.GetColumn<float[]>("Features").ToArray();
        for (int row = 0; row < 3; row++)
        {
            for (int i = 0; i < 8; i++)
            {
                byte b = pixels[row * 8 + i];
                Assert.AreEqual(b / 255f, features[row][i], $"row {row}, pixel {i}");
                Assert.AreEqual(b / 255.0, features[row][i], 1e-7, "against the float64 quotient");
            }
        }
    }

    [TestMethod]
    public void FashionMnistRowsEqualTheFileBytesOver255()
    {
        string images = FashionMnistFiles.TrainImages;
        int[] rows = [0, 1, 12345, 59999];
        byte[][] expected = FashionMnistFiles.ImageRows(images, rows);
        byte[] labels = FashionMnistFiles.Labels(FashionMnistFiles.TrainLabels);

        var view = _ml.Data.LoadFromIdx(images, FashionMnistFiles.TrainLabels);

        Assert.AreEqual(60000L, view.GetRowCount());
        Assert.AreEqual(784, ((VectorDataViewType)view.Schema["Features"].Type).Size);
        using var cursor = view.GetRowCursor(view.Schema);
        var getFeatures = cursor.GetGetter<VBuffer<float>>(view.Schema["Features"]);
        var getLabel = cursor.GetGetter<uint>(view.Schema["Label"]);
        VBuffer<float> features = default;
        uint label = 0;
        int checkedRows = 0;
        while (cursor.MoveNext())
        {
            int k = Array.IndexOf(rows, (int)cursor.Position);
            if (k < 0)
            {
                continue;
            }

            getFeatures(ref features);
            getLabel(ref label);
            Assert.AreEqual(labels[rows[k]], label);
            float[] values = features.DenseValues().ToArray();
            CollectionAssert.AreEqual(expected[k].Select(b => b / 255f).ToArray(), values, $"row {rows[k]}");
            checkedRows++;
        }

        Assert.AreEqual(rows.Length, checkedRows);
        Assert.AreEqual(60000L, cursor.Position);
    }

    [TestMethod]
    public void MaxRowsKeepsTheFirstRowsWithAKnownCount()
    {
        using var folder = new TempFolder();
        byte[] pixels = Pixels(5, 2, 2);
        var view = _ml.Data.LoadFromIdx(
            Write(folder.File("images"), ImagesFile(5, 2, 2, pixels)),
            Write(folder.File("labels"), LabelsFile([1, 2, 3, 4, 5])),
            maxRows: 2);

        Assert.AreEqual(2L, view.GetRowCount());
        CollectionAssert.AreEqual(new uint[] { 1, 2 }, view.GetColumn<uint>("Label").ToArray());
        Assert.AreEqual(pixels[7] / 255f, view.GetColumn<float[]>("Features").Last()[3]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => _ml.Data.LoadFromIdx(folder.File("images"), folder.File("labels"), maxRows: 0));
    }

    [TestMethod]
    public void ColumnNamesAreParameters()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(2, 1, 2, Pixels(2, 1, 2)));
        string labels = Write(folder.File("labels"), LabelsFile([1, 0]));

        var view = _ml.Data.LoadFromIdx(images, labels, labelColumnName: "Digit", featureColumnName: "Pixels");

        CollectionAssert.AreEqual(new[] { "Digit", "Pixels" }, view.Schema.Select(c => c.Name).ToArray());
        CollectionAssert.AreEqual(new uint[] { 1, 0 }, view.GetColumn<uint>("Digit").ToArray());
        Assert.ThrowsExactly<ArgumentException>(() => _ml.Data.LoadFromIdx(images, labels, labelColumnName: "X", featureColumnName: "X"));
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void MalformedFilesFailAtLoadNamingTheFileAndWhatWasExpected(bool gzip)
    {
        using var folder = new TempFolder();
        byte[] pixels = Pixels(2, 2, 2);
        string labels = Write(folder.File("labels"), LabelsFile([0, 1]), gzip);
        string good = Write(folder.File("good"), ImagesFile(2, 2, 2, pixels), gzip);
        string badMagic = Write(folder.File("bad-magic"), Idx(0x00000802, [2, 2, 2], pixels), gzip);
        string truncated = Write(folder.File("truncated"), ImagesFile(2, 2, 2, pixels)[..^1], gzip);
        string trailing = Write(folder.File("trailing"), [.. ImagesFile(2, 2, 2, pixels), 9], gzip);
        string threeImages = Write(folder.File("three"), ImagesFile(3, 2, 2, Pixels(3, 2, 2)), gzip);

        AssertFails(badMagic, labels, "magic number 0x00000802", "expected 0x00000803");
        AssertFails(truncated, labels, "is truncated", "need exactly 24");
        AssertFails(trailing, labels, "has trailing data", "need exactly 24");
        AssertFails(threeImages, labels, "holds 3 images", "holds 2 labels");
        AssertFails(good, good, "is not an IDX label file", "rank 3 is not 1");
        Assert.ThrowsExactly<FileNotFoundException>(() => _ml.Data.LoadFromIdx(folder.File("missing"), labels));
    }

    [TestMethod]
    public void FolderGivesTrainAndTestViewsWithFashionMnistNames()
    {
        _ = FashionMnistFiles.TrainImages;
        var data = _ml.Data.LoadFromIdxFolder(FashionMnistFiles.Folder, maxTrainRows: 100, maxTestRows: 50);

        Assert.AreEqual(100L, data.TrainSet.GetRowCount());
        Assert.AreEqual(50L, data.TestSet.GetRowCount());
        Assert.AreEqual(10, data.LabelNames.Count);
        Assert.AreEqual("T-shirt/top", data.LabelNames[0]);
        Assert.AreEqual("Ankle boot", data.LabelNames[9]);
    }

    [TestMethod]
    public void FolderNamesComeFromLabelsTextAndEveryLabelMustHaveOne()
    {
        using var folder = new TempFolder();
        WriteSet(folder, "train", [0, 1, 2]);
        WriteSet(folder, "t10k", [2, 1], dotted: true);
        File.WriteAllLines(folder.File("labels.txt"), ["cat", "dog", "bird"]);

        var data = _ml.Data.LoadFromIdxFolder(folder.Path);
        CollectionAssert.AreEqual(new[] { "cat", "dog", "bird" }, data.LabelNames.ToArray());
        CollectionAssert.AreEqual(new uint[] { 2, 1 }, data.TestSet.GetColumn<uint>("Label").ToArray());

        File.WriteAllLines(folder.File("labels.txt"), ["cat", "dog"]);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdxFolder(folder.Path));
        StringAssert.Contains(e.Message, "train-labels-idx1-ubyte.gz");
        StringAssert.Contains(e.Message, "labels.txt");
        StringAssert.Contains(e.Message, "expected labels 0..1");

        File.Delete(folder.File("labels.txt"));
        CollectionAssert.AreEqual(new[] { "0", "1", "2" }, _ml.Data.LoadFromIdxFolder(folder.Path).LabelNames.ToArray());
    }

    private void AssertFails(string images, string labels, params string[] expectedParts)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => _ml.Data.LoadFromIdx(images, labels));
        string file = e.Message.Contains(Path.GetFileName(images)) ? images : labels;
        StringAssert.Contains(e.Message, file);
        foreach (string part in expectedParts)
        {
            StringAssert.Contains(e.Message, part);
        }
    }
}
