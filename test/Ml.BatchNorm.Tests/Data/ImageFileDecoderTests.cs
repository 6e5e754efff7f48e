using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class ImageFileDecoderTests
{
    [TestMethod]
    public void PngWrittenFromIdxBytesDecodesBitIdenticallyToCopyImage()
    {
        var test = FashionMnist.Test;
        using var folder = new TempFolder();
        int pixels = test.PixelsPerImage;
        var expected = new float[pixels];
        var actual = new float[pixels];
        for (int i = 0; i < 20; i++)
        {
            string path = folder.File($"{i:D2}.png");
            ImageFileDecoder.WriteGrayPng(path, test.PixelBytes.Slice(i * pixels, pixels), test.Height, test.Width);
            var (height, width) = ImageFileDecoder.ReadGray(path, test.Height, test.Width, actual);
            test.CopyImage(i, expected);

            Assert.AreEqual(test.Height, height);
            Assert.AreEqual(test.Width, width);
            for (int p = 0; p < pixels; p++)
            {
                Assert.AreEqual(BitConverter.SingleToInt32Bits(expected[p]), BitConverter.SingleToInt32Bits(actual[p]), $"image {i} pixel {p}");
            }
        }
    }

    [TestMethod]
    public void JpegIsResizedToTheRequestedSize()
    {
        using var folder = new TempFolder();
        string path = folder.File("big.jpg");
        var bytes = new byte[56 * 40];
        for (int i = 0; i < bytes.Length; i++)
        {
            bytes[i] = (byte)(i % 40 * 6);
        }

        ImageFileDecoder.WriteGrayPng(path, bytes, 56, 40); // the extension picks the format: JPEG
        Assert.AreEqual((byte)0xFF, File.ReadAllBytes(path)[0], "a JPEG file starts with FF D8");
        var output = new float[28 * 28];
        var (height, width) = ImageFileDecoder.ReadGray(path, 28, 28, output);

        Assert.AreEqual(56, height);
        Assert.AreEqual(40, width);
        Assert.IsTrue(output.All(v => v is >= 0f and <= 1f));
        Assert.IsTrue(output.Any(v => v > 0.5f));
    }

    [TestMethod]
    public void MissingAndCorruptFilesGiveErrorsNamingTheFile()
    {
        using var folder = new TempFolder();
        string missing = folder.File("missing.png");
        string corrupt = folder.File("corrupt.png");
        File.WriteAllBytes(corrupt, [0x89, 0x50, 0x4E, 0x47, 1, 2, 3, 4, 5]);
        var output = new float[28 * 28];

        var e1 = Assert.ThrowsExactly<FileNotFoundException>(() => ImageFileDecoder.ReadGray(missing, 28, 28, output));
        StringAssert.Contains(e1.Message, missing);
        var e2 = Assert.ThrowsExactly<InvalidDataException>(() => ImageFileDecoder.ReadGray(corrupt, 28, 28, output));
        StringAssert.Contains(e2.Message, corrupt);
    }
}
