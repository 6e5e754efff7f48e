using System.IO.Compression;

namespace Ml.BatchNorm.Tests.Data;

/// <summary>The Debian Fashion-MNIST files, read byte by byte without the library's reader (tests skip when absent).</summary>
internal static class FashionMnistFiles
{
    public const string Folder = "/usr/share/datasets/fashion-mnist";
    public const int Side = 28;
    private const int ImageHeaderLength = 16;
    private const int LabelHeaderLength = 8;

    public static string TrainImages => Require("train-images-idx3-ubyte.gz");

    public static string TrainLabels => Require("train-labels-idx1-ubyte.gz");

    /// <summary>The raw pixel bytes of the given rows of an IDX image file.</summary>
    public static byte[][] ImageRows(string imagesPath, params int[] rows)
    {
        byte[] all = Decompress(imagesPath);
        return rows.Select(r => all.AsSpan(ImageHeaderLength + r * Side * Side, Side * Side).ToArray()).ToArray();
    }

    /// <summary>The label bytes of an IDX label file.</summary>
    public static byte[] Labels(string labelsPath) => Decompress(labelsPath)[LabelHeaderLength..];

    private static byte[] Decompress(string path)
    {
        using var gzip = new GZipStream(File.OpenRead(path), CompressionMode.Decompress);
        using var bytes = new MemoryStream();
        gzip.CopyTo(bytes);
        return bytes.ToArray();
    }

    private static string Require(string name)
    {
        string path = Path.Combine(Folder, name);
        if (!File.Exists(path))
        {
            Assert.Inconclusive($"Fashion-MNIST is not installed at {Folder} (apt-get install dataset-fashion-mnist).");
        }

        return path;
    }
}
