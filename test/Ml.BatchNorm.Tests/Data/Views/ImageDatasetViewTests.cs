using Ml.BatchNorm.Data;
using Ml.BatchNorm.Tests.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class ImageDatasetViewTests
{
    [TestMethod]
    public void FromImageDatasetYieldsLabelsAndScaledImages()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());

        Assert.AreEqual("Label: UInt32, Image: Vector<Single, 2>", view.Schema.ToString());
        Assert.AreEqual(6L, view.GetRowCount());
        Assert.IsTrue(view.CanShuffle);
        CollectionAssert.AreEqual(new uint[] { 0, 1, 2, 0, 1, 2 }, ViewTestData.Labels(view));
        var images = ViewTestData.Images(view);
        CollectionAssert.AreEqual(new[] { 50 / 255f, 51 / 255f }, images[5]);
    }

    [TestMethod]
    public void CursorCountsPositionsAndStaysAtTheEnd()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());
        using var cursor = view.GetRowCursor(view.Schema);

        Assert.AreEqual(-1L, cursor.Position);
        var label = cursor.GetGetter<uint>(view.Schema["Label"]);
        uint value = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => label(ref value), "no row before MoveNext");
        Assert.IsTrue(cursor.MoveNext());
        Assert.AreEqual(0L, cursor.Position);
        while (cursor.MoveNext())
        {
        }

        Assert.AreEqual(5L, cursor.Position);
        Assert.IsFalse(cursor.MoveNext());
        Assert.ThrowsExactly<InvalidOperationException>(() => label(ref value), "no row after the end");
    }

    [TestMethod]
    public void GetterOfTheWrongTypeNamesColumnTypeAndRequest()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());
        using var cursor = view.GetRowCursor(view.Schema);

        var error = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(view.Schema["Image"]));

        StringAssert.Contains(error.Message, "'Image'");
        StringAssert.Contains(error.Message, "Vector<Single, 2>");
        StringAssert.Contains(error.Message, "VBuffer<Single>");
        StringAssert.Contains(error.Message, "getter of Single");
    }

    [TestMethod]
    public void InactiveColumnCannotBeRead()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());
        using var cursor = view.GetRowCursor([view.Schema["Label"]]);

        Assert.IsTrue(cursor.IsColumnActive(view.Schema["Label"]));
        Assert.IsFalse(cursor.IsColumnActive(view.Schema["Image"]));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(view.Schema["Image"]));
        StringAssert.Contains(error.Message, "'Image'");
        StringAssert.Contains(error.Message, "not active");
    }

    [TestMethod]
    public void ColumnOfAnotherSchemaIsRejected()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());
        var other = new DataViewSchema.Builder().AddColumn("Weight", NumberDataViewType.Single).ToSchema();

        var error = Assert.ThrowsExactly<ArgumentException>(() => view.GetRowCursor([other["Weight"]]));
        StringAssert.Contains(error.Message, "'Weight'");
    }

    [TestMethod]
    public void VectorGetterReusesOneBufferPerCursor()
    {
        var view = DataViewLoaders.FromImageDataset(ViewTestData.SixImages());
        using var cursor = view.GetRowCursor(view.Schema);
        var getter = cursor.GetGetter<VBuffer<float>>(view.Schema["Image"]);
        VBuffer<float> first = default, second = default;

        cursor.MoveNext();
        getter(ref first);
        cursor.MoveNext();
        getter(ref second);

        Assert.AreEqual(10 / 255f, first.GetValues()[0], "the documented reuse rule: the earlier value now shows the current row");
    }

    [TestMethod]
    public void LoadFromIdxMatchesTheDatasetOnSmallFiles()
    {
        using var folder = new TempFolder();
        byte[] labels = [3, 0, 2, 1];
        string images = IdxTestFiles.Write(folder.File("images.gz"), IdxTestFiles.ImagesFile(4, 3, 2, IdxTestFiles.Pixels(4, 3, 2)), gzip: true);
        string labelsPath = IdxTestFiles.Write(folder.File("labels"), IdxTestFiles.LabelsFile(labels));

        var view = DataViewLoaders.LoadFromIdx(images, labelsPath);
        var data = IdxImageLoader.Load(images, labelsPath);

        Assert.AreEqual("Label: UInt32, Image: Vector<Single, 6>", view.Schema.ToString());
        CollectionAssert.AreEqual(new uint[] { 3, 0, 2, 1 }, ViewTestData.Labels(view));
        var rows = ViewTestData.Images(view);
        for (int i = 0; i < 4; i++)
        {
            var expected = new float[6];
            data.CopyImage(i, expected);
            CollectionAssert.AreEqual(expected, rows[i]);
        }
    }

    [TestMethod]
    public void LoadFromIdxChecksLabelNames()
    {
        using var folder = new TempFolder();
        string images = IdxTestFiles.Write(folder.File("images"), IdxTestFiles.ImagesFile(2, 1, 1, [0, 1]));
        string labelsPath = IdxTestFiles.Write(folder.File("labels"), IdxTestFiles.LabelsFile([0, 2]));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => DataViewLoaders.LoadFromIdx(images, labelsPath, ["a", "b"]));
        StringAssert.Contains(error.Message, labelsPath);
    }

    [TestMethod]
    public void LoadFromIdxMatchesCopyImageOnFashionMnist()
    {
        var train = FashionMnist.Train;
        var view = DataViewLoaders.FromImageDataset(train).Take(64);

        var labels = ViewTestData.Labels(view);
        var images = ViewTestData.Images(view);

        Assert.HasCount(64, images);
        Assert.AreEqual("Image: Vector<Single, 784>", view.Schema["Image"].ToString());
        var expected = new float[784];
        for (int i = 0; i < 64; i++)
        {
            train.CopyImage(i, expected);
            CollectionAssert.AreEqual(expected, images[i], $"image {i}");
            Assert.AreEqual((uint)train.GetLabel(i), labels[i], $"label {i}");
        }
    }
}
