using System.Buffers.Binary;
using System.IO.Compression;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// Finds the ONNX model inside an ML.NET model file (a zip): ML.NET's ONNX transformer saves it as an
/// entry whose name ends in "OnnxModel" ("TransformerChain/OnnxModel" for a lone ONNX transformer, a
/// numbered transform folder inside a longer chain), holding
/// a little-endian int32 length and then the ONNX bytes, unchanged.
/// </summary>
internal static class MlNetModelZip
{
    private const string EntrySuffix = "OnnxModel";

    public static bool IsZip(ReadOnlySpan<byte> bytes) =>
        bytes.Length >= 4 && bytes[0] == (byte)'P' && bytes[1] == (byte)'K' && bytes[2] == 3 && bytes[3] == 4;

    /// <summary>Every ONNX payload in the zip, in entry order, with its entry name.</summary>
    /// <exception cref="ModelFileException">The zip is damaged or truncated, holds no ONNX model, or an entry's length prefix does not match its size.</exception>
    public static List<(string Entry, byte[] Onnx)> ReadOnnxEntries(byte[] zip, string source)
    {
        var result = new List<(string, byte[])>();
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip, writable: false), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries.Where(e => e.FullName.EndsWith(EntrySuffix, StringComparison.Ordinal)))
            {
                using var stream = entry.Open();
                using var buffer = new MemoryStream();
                stream.CopyTo(buffer);
                result.Add((entry.FullName, Unframe(buffer.ToArray(), entry.FullName, source)));
            }
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(source, $"the ML.NET model file (zip) is damaged or truncated: {e.Message}", e);
        }

        if (result.Count == 0)
        {
            throw new ModelFileException(source, $"the ML.NET model file holds no ONNX model (no entry ending in '{EntrySuffix}'); it was not saved from a BatchNormCnn model.");
        }

        return result;
    }

    private static byte[] Unframe(byte[] payload, string entry, string source)
    {
        if (payload.Length < 4)
        {
            throw new ModelFileException(source, $"entry '{entry}' holds {payload.Length} bytes, too few for its length prefix: the file is truncated.");
        }

        long length = BinaryPrimitives.ReadInt32LittleEndian(payload);
        if (length != payload.Length - 4)
        {
            throw new ModelFileException(source, $"entry '{entry}' announces an ONNX model of {length} bytes but holds {payload.Length - 4}: the file is truncated or damaged.");
        }

        return payload[4..];
    }
}
