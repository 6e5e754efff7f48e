using System.Buffers.Binary;
using Microsoft.ML;
using Microsoft.ML.Data;
using SkiaSharp;
using ImageFiles = Ml.BatchNorm.Data.ImageFiles;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class ImageFeaturesCatalogTests
{
    private const int Side = FashionMnistFiles.Side;

    private readonly MLContext _ml = new(seed: 1);

    [TestMethod]
    public void LosslessFilesWrittenFromIdxBytesGiveExactlyTheIdxRowFeatures()
    {
        string imagesPath = FashionMnistFiles.TrainImages;
        int[] rows = [0, 1, 2];
        byte[][] bytes = FashionMnistFiles.ImageRows(imagesPath, rows);
        using var folder = new TempFolder();
        for (int k = 0; k < rows.Length; k++)
        {
            ImageFiles.WriteGray(folder.File($"row{k}.png"), bytes[k], Side, Side);
        }

        WriteGrayBmp(folder.File("row3.bmp"), bytes[0], Side, Side);

        var paths = _ml.Data.LoadFromImageFiles(folder.Path);
        var chain = _ml.Transforms.LoadGrayscaleImageFeatures().Fit(paths);
        var features = chain.Transform(paths).GetColumn<float[]>("Features").ToArray();
        var idx = _ml.Data.LoadFromIdx(imagesPath, FashionMnistFiles.TrainLabels, maxRows: rows.Length)
            .GetColumn<float[]>("Features").ToArray();

        Assert.AreEqual(4, features.Length);
        for (int k = 0; k < rows.Length; k++)
        {
            CollectionAssert.AreEqual(idx[k], features[k], $"PNG of row {rows[k]}");
        }

        CollectionAssert.AreEqual(idx[0], features[3], "BMP of row 0");
    }

    [TestMethod]
    public void TheChainIsMlNetsOwnAndSavesAndLoadsWithSameFeatures()
    {
        using var folder = new TempFolder();
        byte[] pixels = Enumerable.Range(0, 12).Select(i => (byte)(i * 21 + 3)).ToArray();
        ImageFiles.WriteGray(folder.File("a.png"), pixels, 3, 4);
        var paths = _ml.Data.LoadFromImageFiles(folder.File("a.png"));
        var model = _ml.Transforms.LoadGrayscaleImageFeatures(imageHeight: 3, imageWidth: 4).Fit(paths);
        var output = model.Transform(paths);

        CollectionAssert.AreEqual(new[] { "ImagePath", "Features" }, output.Schema.Where(c => !c.IsHidden).Select(c => c.Name).ToArray());
        Assert.AreEqual(12, ((VectorDataViewType)output.Schema["Features"].Type).Size);
        float[] features = output.GetColumn<float[]>("Features").Single();
        CollectionAssert.AreEqual(pixels.Select(b => b / 255f).ToArray(), features);

        string modelPath = folder.File("model.zip");
        _ml.Model.Save(model, paths.Schema, modelPath);
        var loaded = new MLContext().Model.Load(modelPath, out _);
        CollectionAssert.AreEqual(features, loaded.Transform(paths).GetColumn<float[]>("Features").Single());
    }

    [TestMethod]
    public void ColourImagesBecomeGreyByMlNetsWeights()
    {
        using var folder = new TempFolder();
        SKColor[] colours = [new(255, 0, 0), new(0, 255, 0), new(0, 0, 255), new(10, 200, 30), new(50, 60, 70), new(255, 255, 255)];
        using (var bitmap = new SKBitmap(new SKImageInfo(colours.Length, 1, SKColorType.Rgba8888, SKAlphaType.Opaque)))
        {
            for (int x = 0; x < colours.Length; x++)
            {
                bitmap.SetPixel(x, 0, colours[x]);
            }

            Save(bitmap, folder.File("colour.png"), SKEncodedImageFormat.Png);
        }

        var paths = _ml.Data.LoadFromImageFiles(folder.File("colour.png"));
        float[] grey = _ml.Transforms.LoadGrayscaleImageFeatures(imageHeight: 1, imageWidth: colours.Length)
            .Fit(paths).Transform(paths).GetColumn<float[]>("Features").Single();

        for (int x = 0; x < colours.Length; x++)
        {
            var c = colours[x];
            double luminance = 0.3 * c.Red + 0.59 * c.Green + 0.11 * c.Blue;
            Assert.AreEqual(luminance, grey[x] * 255.0, 1.0, $"colour {c}");
            Assert.AreEqual(MathF.Round(grey[x] * 255f) / 255f, grey[x], "a grey level is a byte over 255");
        }
    }

    [TestMethod]
    public void JpegLoadsToTheRightSizeNearTheSourcePixels()
    {
        using var folder = new TempFolder();
        byte[] pixels = Enumerable.Range(0, Side * Side).Select(i => (byte)(i / Side * 9)).ToArray();
        ImageFiles.WriteGray(folder.File("a.jpg"), pixels, Side, Side);

        var paths = _ml.Data.LoadFromImageFiles(folder.File("a.jpg"));
        float[] features = _ml.Transforms.LoadGrayscaleImageFeatures().Fit(paths).Transform(paths).GetColumn<float[]>("Features").Single();

        Assert.AreEqual(Side * Side, features.Length);
        double meanError = features.Select((f, i) => Math.Abs(f - pixels[i] / 255.0)).Average();
        Assert.IsTrue(meanError < 2 / 255.0, $"mean error {meanError * 255:F2} grey levels");
    }

    [TestMethod]
    public void AFolderIsReadInNameOrderSkippingOtherFiles()
    {
        using var folder = new TempFolder();
        foreach (string name in new[] { "b.png", "a.PNG", "c.bmp", "notes.txt", "10.jpeg" })
        {
            File.WriteAllBytes(folder.File(name), [0]);
        }

        var paths = _ml.Data.LoadFromImageFiles(folder.Path, outputColumnName: "Path").GetColumn<string>("Path").ToArray();

        CollectionAssert.AreEqual(new[] { "10.jpeg", "a.PNG", "b.png", "c.bmp" }, paths.Select(Path.GetFileName).ToArray());
        Assert.IsTrue(paths.All(Path.IsPathFullyQualified));
    }

    [TestMethod]
    public void MissingFilesUnsupportedExtensionsAndEmptyFoldersAreClearErrors()
    {
        using var folder = new TempFolder();
        File.WriteAllBytes(folder.File("a.gif"), [0]);

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => _ml.Data.LoadFromImageFiles(folder.File("none.png")));
        StringAssert.Contains(missing.Message, folder.File("none.png"));
        var gif = Assert.ThrowsExactly<ArgumentException>(() => _ml.Data.LoadFromImageFiles([folder.File("a.gif")]));
        StringAssert.Contains(gif.Message, "a.gif");
        StringAssert.Contains(gif.Message, ".png, .jpg, .jpeg, .bmp");
        var empty = Assert.ThrowsExactly<ArgumentException>(() => _ml.Data.LoadFromImageFiles(folder.Path));
        StringAssert.Contains(empty.Message, folder.Path);
    }

    [TestMethod]
    public void WriteGrayRefusesFormatsItCannotWriteAndWrongSizes()
    {
        using var folder = new TempFolder();

        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => ImageFiles.WriteGray(folder.File("a.bmp"), [0], 1, 1)).Message, ".png, .jpg or .jpeg");
        Assert.ThrowsExactly<ArgumentException>(() => ImageFiles.WriteGray(folder.File("a.png"), [0, 1], 1, 1));
        Assert.IsFalse(File.Exists(folder.File("a.png")));
    }

    private static void Save(SKBitmap bitmap, string path, SKEncodedImageFormat format)
    {
        using var data = bitmap.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>A 24-bit BMP written byte by byte (SkiaSharp cannot encode BMP): rows bottom-up, padded to 4 bytes.</summary>
    private static void WriteGrayBmp(string path, byte[] pixels, int height, int width)
    {
        int stride = (3 * width + 3) & ~3;
        var file = new byte[54 + stride * height];
        file[0] = (byte)'B';
        file[1] = (byte)'M';
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(2), file.Length);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(10), 54);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(14), 40);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(18), width);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(22), height);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(26), 1);
        BinaryPrimitives.WriteInt16LittleEndian(file.AsSpan(28), 24);
        BinaryPrimitives.WriteInt32LittleEndian(file.AsSpan(34), stride * height);
        for (int y = 0; y < height; y++)
        {
            int row = 54 + (height - 1 - y) * stride;
            for (int x = 0; x < width; x++)
            {
                byte v = pixels[y * width + x];
                file[row + 3 * x] = file[row + 3 * x + 1] = file[row + 3 * x + 2] = v;
            }
        }

        File.WriteAllBytes(path, file);
    }
}
