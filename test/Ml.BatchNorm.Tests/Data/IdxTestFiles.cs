using System.Buffers.Binary;
using System.IO.Compression;

namespace Ml.BatchNorm.Tests.Data;

/// <summary>Builds small IDX files byte by byte, so the tests do not depend on the reader they check.</summary>
internal static class IdxTestFiles
{
    public const uint ImageMagic = 0x00000803;
    public const uint LabelMagic = 0x00000801;

    /// <summary>An IDX file: big-endian magic, big-endian dimensions, then the data.</summary>
    public static byte[] Idx(uint magic, int[] dimensions, byte[] data)
    {
        var bytes = new byte[4 + 4 * dimensions.Length + data.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, magic);
        for (int d = 0; d < dimensions.Length; d++)
        {
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4 + 4 * d), dimensions[d]);
        }

        data.CopyTo(bytes, 4 + 4 * dimensions.Length);
        return bytes;
    }

    public static byte[] ImagesFile(int count, int height, int width, byte[] pixels) =>
        Idx(ImageMagic, [count, height, width], pixels);

    public static byte[] LabelsFile(byte[] labels) => Idx(LabelMagic, [labels.Length], labels);

    public static byte[] Gzip(byte[] content)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest))
        {
            gzip.Write(content);
        }

        return output.ToArray();
    }

    public static string Write(string path, byte[] content, bool gzip = false)
    {
        System.IO.File.WriteAllBytes(path, gzip ? Gzip(content) : content);
        return path;
    }

    /// <summary>Pixel values that cover the byte range, distinct per image and position.</summary>
    public static byte[] Pixels(int count, int height, int width)
    {
        var pixels = new byte[count * height * width];
        for (int i = 0; i < pixels.Length; i++)
        {
            pixels[i] = (byte)(i * 37 + 11);
        }

        return pixels;
    }

    /// <summary>Writes an images/labels pair under the standard MNIST names for <paramref name="set"/> ("train" or "t10k").</summary>
    public static void WriteSet(TempFolder folder, string set, byte[] labels, int height = 3, int width = 2, bool gzip = true, bool dotted = false)
    {
        string separator = dotted ? "." : "-";
        string suffix = gzip ? ".gz" : "";
        Write(
            folder.File($"{set}-images{separator}idx3-ubyte{suffix}"),
            ImagesFile(labels.Length, height, width, Pixels(labels.Length, height, width)),
            gzip);
        Write(folder.File($"{set}-labels{separator}idx1-ubyte{suffix}"), LabelsFile(labels), gzip);
    }
}
