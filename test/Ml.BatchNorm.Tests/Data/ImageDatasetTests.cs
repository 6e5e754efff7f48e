using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class ImageDatasetTests
{
    private static readonly string[] Names = ["a", "b", "c"];

    /// <summary>Five 1x2 images whose pixels are (10i, 10i+1) and labels 0,1,2,0,1.</summary>
    private static ImageDataset FiveImages() =>
        ImageDataset.FromBytes([0, 1, 10, 11, 20, 21, 30, 31, 40, 41], [0, 1, 2, 0, 1], 1, 2, Names, "five");

    [TestMethod]
    public void FromBytesExposesShapeLabelsAndNames()
    {
        var data = FiveImages();

        Assert.AreEqual(5, data.Count);
        Assert.AreEqual(1, data.Height);
        Assert.AreEqual(2, data.Width);
        Assert.AreEqual(2, data.PixelsPerImage);
        Assert.AreEqual(3, data.ClassCount);
        CollectionAssert.AreEqual(Names, data.LabelNames.ToArray());
        Assert.AreEqual("five", data.Source);
        Assert.AreEqual(2, data.GetLabel(2));
    }

    [TestMethod]
    public void FromBytesCopiesItsInputs()
    {
        byte[] pixels = [1, 2];
        byte[] labels = [0];
        string[] names = ["x"];
        var data = ImageDataset.FromBytes(pixels, labels, 1, 2, names, "copy");

        pixels[0] = 99;
        labels[0] = 7;
        names[0] = "changed";

        Assert.AreEqual(1, data.PixelBytes[0]);
        Assert.AreEqual(0, data.GetLabel(0));
        Assert.AreEqual("x", data.LabelNames[0]);
    }

    [TestMethod]
    public void CopyImageWritesPixelsOver255()
    {
        var data = ImageDataset.FromBytes([0, 51, 255, 7], [0, 0], 1, 2, ["only"], "pixels");
        var row = new float[3];
        row[2] = -1f;

        data.CopyImage(1, row);

        Assert.AreEqual(1f, row[0]);
        Assert.AreEqual(7 / 255f, row[1]);
        Assert.AreEqual(-1f, row[2], "only PixelsPerImage floats are written");
    }

    [TestMethod]
    public void CopyImageRejectsShortDestinationAndBadIndex()
    {
        var data = FiveImages();

        Assert.AreEqual("destination", Assert.ThrowsExactly<ArgumentException>(() => data.CopyImage(0, new float[1])).ParamName);
        Assert.AreEqual("index", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.CopyImage(5, new float[2])).ParamName);
        Assert.AreEqual("index", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => data.GetLabel(-1)).ParamName);
    }

    [TestMethod]
    public void FromBytesRejectsInconsistentArguments()
    {
        Assert.AreEqual("pixels", Assert.ThrowsExactly<ArgumentException>(
            () => ImageDataset.FromBytes(new byte[5], new byte[2], 1, 2, Names, "s")).ParamName);
        Assert.AreEqual("labels", Assert.ThrowsExactly<ArgumentException>(
            () => ImageDataset.FromBytes(new byte[4], [0, 3], 1, 2, Names, "s")).ParamName);
        Assert.AreEqual("labelNames", Assert.ThrowsExactly<ArgumentException>(
            () => ImageDataset.FromBytes(new byte[2], [0], 1, 2, [], "s")).ParamName);
        Assert.AreEqual("labelNames", Assert.ThrowsExactly<ArgumentException>(
            () => ImageDataset.FromBytes(new byte[2], [0], 1, 2, ["a", ""], "s")).ParamName);
        Assert.AreEqual("height", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => ImageDataset.FromBytes([], [], 0, 2, Names, "s")).ParamName);
    }

    [TestMethod]
    public void TakeKeepsTheFirstImages()
    {
        var taken = FiveImages().Take(2);

        Assert.AreEqual(2, taken.Count);
        CollectionAssert.AreEqual(new byte[] { 0, 1, 10, 11 }, taken.PixelBytes.ToArray());
        CollectionAssert.AreEqual(new byte[] { 0, 1 }, taken.Labels.ToArray());
        Assert.AreEqual(3, taken.ClassCount);
        Assert.AreEqual("count", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FiveImages().Take(6)).ParamName);
    }

    [TestMethod]
    public void SelectFollowsTheIndicesInOrder()
    {
        var selected = FiveImages().Select([4, 0, 4]);

        CollectionAssert.AreEqual(new byte[] { 40, 41, 0, 1, 40, 41 }, selected.PixelBytes.ToArray());
        CollectionAssert.AreEqual(new byte[] { 1, 0, 1 }, selected.Labels.ToArray());
        Assert.AreEqual("indices", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => FiveImages().Select([5])).ParamName);
    }

    [TestMethod]
    public void WhereLabelKeepsOriginalLabelValuesAndNames()
    {
        var kept = FiveImages().WhereLabel(label => label != 0);

        CollectionAssert.AreEqual(new byte[] { 10, 11, 20, 21, 40, 41 }, kept.PixelBytes.ToArray());
        CollectionAssert.AreEqual(new byte[] { 1, 2, 1 }, kept.Labels.ToArray());
        Assert.AreEqual(3, kept.ClassCount);
        CollectionAssert.AreEqual(Names, kept.LabelNames.ToArray());
    }
}
