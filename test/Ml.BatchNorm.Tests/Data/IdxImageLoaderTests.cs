using Ml.BatchNorm.Data;
using static Ml.BatchNorm.Tests.Data.IdxTestFiles;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class IdxImageLoaderTests
{
    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void LoadsKnownPixelsAndLabelsAndScalesThemBy255(bool gzip)
    {
        using var folder = new TempFolder();
        byte[] pixels = [0, 1, 128, 254, 255, 17, 200, 3, 99, 42, 7, 255];
        byte[] labels = [2, 0];
        string images = Write(folder.File("images"), ImagesFile(2, 2, 3, pixels), gzip);
        string labelsPath = Write(folder.File("labels"), LabelsFile(labels), gzip);

        var data = IdxImageLoader.Load(images, labelsPath);

        Assert.AreEqual(2, data.Count);
        Assert.AreEqual(2, data.Height);
        Assert.AreEqual(3, data.Width);
        Assert.AreEqual(6, data.PixelsPerImage);
        CollectionAssert.AreEqual(pixels, data.PixelBytes.ToArray());
        CollectionAssert.AreEqual(labels, data.Labels.ToArray());
        Assert.AreEqual(2, data.GetLabel(0));
        Assert.AreEqual(images, data.Source);

        var second = new float[6];
        data.CopyImage(1, second);
        for (int i = 0; i < 6; i++)
        {
            Assert.AreEqual(pixels[6 + i] / 255f, second[i]);
        }

        Assert.AreEqual(1f, second[5]);
    }

    [TestMethod]
    public void WithoutNamesClassesAreNamedByValueUpToTheLargestLabel()
    {
        using var folder = new TempFolder();
        var data = LoadPair(folder, labels: [4, 1, 4]);

        Assert.AreEqual(5, data.ClassCount);
        CollectionAssert.AreEqual(new[] { "0", "1", "2", "3", "4" }, data.LabelNames.ToArray());
    }

    [TestMethod]
    public void GivenNamesAreKept()
    {
        using var folder = new TempFolder();
        string[] names = ["zero", "one", "two"];
        var data = LoadPair(folder, labels: [0, 1], names: names);

        Assert.AreEqual(3, data.ClassCount);
        CollectionAssert.AreEqual(names, data.LabelNames.ToArray());
    }

    [TestMethod]
    public void GzipIsDetectedByContentNotByExtension()
    {
        using var folder = new TempFolder();
        byte[] pixels = Pixels(2, 2, 2);
        string compressedWithoutSuffix = Write(folder.File("images-idx3-ubyte"), ImagesFile(2, 2, 2, pixels), gzip: true);
        string rawWithSuffix = Write(folder.File("labels-idx1-ubyte.gz"), LabelsFile([1, 0]), gzip: false);

        var data = IdxImageLoader.Load(compressedWithoutSuffix, rawWithSuffix);

        CollectionAssert.AreEqual(pixels, data.PixelBytes.ToArray());
        CollectionAssert.AreEqual(new byte[] { 1, 0 }, data.Labels.ToArray());
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void LabelMagicInTheImagesFileIsRejected(bool gzip)
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("train-images-idx3-ubyte.gz"), Idx(LabelMagic, [4], [1, 2, 3, 4]), gzip);
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "magic number 0x00000801 is not an IDX image file");
        StringAssert.Contains(message, "expected 0x00000803");
    }

    [TestMethod]
    public void WrongRankInTheLabelsFileIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 1, 1, [5]));
        string labels = Write(folder.File("labels"), Idx(0x00000802, [1, 1], [0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, labels);
        StringAssert.Contains(message, "rank 2 is not 1");
        StringAssert.Contains(message, "expected 0x00000801");
    }

    [TestMethod]
    public void NonByteElementTypeIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), Idx(0x00000D03, [1, 1, 1], [0, 0, 0, 0]));
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "element type 0x0D");
    }

    [TestMethod]
    public void NonIdxContentIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), "<html>not found</html>"u8.ToArray());
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "first two bytes must be zero");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TruncatedDataIsRejectedWithByteCounts(bool gzip)
    {
        using var folder = new TempFolder();
        byte[] complete = ImagesFile(2, 2, 2, Pixels(2, 2, 2));
        string images = Write(folder.File("images"), complete[..^3], gzip);
        string labels = Write(folder.File("labels"), LabelsFile([0, 1]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "truncated");
        StringAssert.Contains(message, $"holds {complete.Length - 3} bytes");
        StringAssert.Contains(message, $"exactly {complete.Length}");
    }

    [TestMethod]
    public void TruncatedHeaderIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 1, 1, [0])[..9]);
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "holds 9 bytes");
        StringAssert.Contains(message, "16-byte header");
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void TrailingBytesAreRejectedWithByteCounts(bool gzip)
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 1, 1, [0]));
        byte[] labelsContent = [.. LabelsFile([0]), 9, 9];
        string labels = Write(folder.File("labels"), labelsContent, gzip);

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, labels);
        StringAssert.Contains(message, "trailing data");
        StringAssert.Contains(message, $"holds {labelsContent.Length} bytes");
        StringAssert.Contains(message, $"exactly {labelsContent.Length - 2}");
    }

    [TestMethod]
    public void CorruptGzipIsRejectedNamingTheFile()
    {
        using var folder = new TempFolder();
        byte[] compressed = Gzip(ImagesFile(4, 4, 4, Pixels(4, 4, 4)));
        for (int i = 10; i < compressed.Length - 8; i++)
        {
            compressed[i] ^= 0x5A;
        }

        string images = Write(folder.File("images.gz"), compressed);
        string labels = Write(folder.File("labels"), LabelsFile([0, 0, 0, 0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
    }

    [TestMethod]
    public void CutOffGzipStreamIsRejectedNamingTheFile()
    {
        using var folder = new TempFolder();
        byte[] compressed = Gzip(ImagesFile(50, 8, 8, Pixels(50, 8, 8)));
        string images = Write(folder.File("images.gz"), compressed[..(compressed.Length / 2)]);
        string labels = Write(folder.File("labels"), LabelsFile(new byte[50]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
    }

    [TestMethod]
    public void ZeroDimensionIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 0, 1, []));
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, images);
        StringAssert.Contains(message, "dimension 1 is 0");
    }

    [TestMethod]
    public void CountMismatchNamesBothFilesAndBothCounts()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(3, 1, 1, [1, 2, 3]));
        string labels = Write(folder.File("labels"), LabelsFile([0, 1]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels));

        StringAssert.Contains(message, $"{images} holds 3 images");
        StringAssert.Contains(message, $"{labels} holds 2 labels");
    }

    [TestMethod]
    public void LabelWithoutANameIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(3, 1, 1, [1, 2, 3]));
        string labels = Write(folder.File("labels"), LabelsFile([0, 1, 2]));

        string message = ExpectInvalid(() => IdxImageLoader.Load(images, labels, ["a", "b"]));

        StringAssert.Contains(message, labels);
        StringAssert.Contains(message, "label 2 at index 2");
        StringAssert.Contains(message, "expected labels 0..1");
    }

    [TestMethod]
    public void MissingFileIsReportedWithItsPath()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 1, 1, [0]));
        string labels = folder.File("no-such-labels");

        var error = Assert.ThrowsExactly<FileNotFoundException>(() => IdxImageLoader.Load(images, labels));

        Assert.AreEqual(labels, error.FileName);
        StringAssert.Contains(error.Message, labels);
    }

    [TestMethod]
    public void EmptyLabelNameIsRejected()
    {
        using var folder = new TempFolder();
        string images = Write(folder.File("images"), ImagesFile(1, 1, 1, [0]));
        string labels = Write(folder.File("labels"), LabelsFile([0]));

        var error = Assert.ThrowsExactly<ArgumentException>(() => IdxImageLoader.Load(images, labels, ["a", " "]));

        Assert.AreEqual("labelNames", error.ParamName);
    }

    private static ImageDataset LoadPair(TempFolder folder, byte[] labels, IReadOnlyList<string>? names = null)
    {
        string images = Write(folder.File("images"), ImagesFile(labels.Length, 1, 2, Pixels(labels.Length, 1, 2)));
        string labelsPath = Write(folder.File("labels"), LabelsFile(labels));
        return IdxImageLoader.Load(images, labelsPath, names);
    }

    private static string ExpectInvalid(Action load) => Assert.ThrowsExactly<InvalidDataException>(load).Message;
}
