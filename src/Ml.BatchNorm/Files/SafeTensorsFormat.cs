using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ml.BatchNorm.Files;

/// <summary>
/// The safetensors layout, hand-written because no library for it is reachable: an 8-byte
/// little-endian header length, a UTF-8 JSON header (name → dtype, shape, data_offsets relative to
/// the data section; optional "__metadata__" of strings) padded with spaces to 8 bytes, then the raw
/// little-endian tensors. PyTorch users load it with safetensors.torch.load_file.
/// </summary>
internal static class SafeTensorsFormat
{
    private const long MaxHeaderBytes = 100 * 1024 * 1024;

    public static void Write(Stream output, IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (k, v) in metadata)
            {
                meta[k] = v;
            }

            header["__metadata__"] = meta;
        }

        long offset = 0;
        foreach (var t in tensors)
        {
            if (header.ContainsKey(t.Name))
            {
                throw new ArgumentException($"tensor name '{t.Name}' appears twice.", nameof(tensors));
            }

            long bytes = (long)t.Values.Length * sizeof(float);
            header[t.Name] = new JsonObject
            {
                ["dtype"] = "F32",
                ["shape"] = new JsonArray(t.Shape.Select(d => (JsonNode?)JsonValue.Create(d)).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + bytes),
            };
            offset += bytes;
        }

        byte[] json = Encoding.UTF8.GetBytes(header.ToJsonString());
        int padded = (json.Length + 7) / 8 * 8;
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)padded);
        output.Write(prefix);
        output.Write(json);
        for (int i = json.Length; i < padded; i++)
        {
            output.WriteByte((byte)' ');
        }

        foreach (var t in tensors)
        {
            WriteLittleEndian(output, t.Values);
        }
    }

    public static (IReadOnlyList<TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream input, string sourceName)
    {
        byte[] all;
        using (var copy = new MemoryStream())
        {
            input.CopyTo(copy);
            all = copy.ToArray();
        }

        if (all.Length < 8)
        {
            throw Bad(sourceName, $"{all.Length} bytes is too short for a safetensors header");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(all);
        if (headerLength > (ulong)Math.Min(MaxHeaderBytes, all.Length - 8))
        {
            throw Bad(sourceName, $"header length {headerLength} exceeds the file ({all.Length} bytes)");
        }

        JsonObject header;
        try
        {
            header = JsonNode.Parse(all.AsSpan(8, (int)headerLength))?.AsObject() ?? throw new JsonException("null header");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            throw Bad(sourceName, $"the header is not a JSON object ({e.Message})");
        }

        int dataStart = 8 + (int)headerLength;
        long dataLength = all.Length - dataStart;
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        var entries = new List<(string Name, long[] Shape, long Begin, long End)>();
        foreach (var (name, node) in header)
        {
            if (name == "__metadata__")
            {
                foreach (var (k, v) in node?.AsObject() ?? [])
                {
                    metadata[k] = v?.GetValue<string>() ?? "";
                }

                continue;
            }

            try
            {
                var o = node!.AsObject();
                string dtype = o["dtype"]!.GetValue<string>();
                if (dtype != "F32")
                {
                    throw Bad(sourceName, $"tensor '{name}' has dtype {dtype}; only F32 is supported");
                }

                long[] shape = o["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
                var offsets = o["data_offsets"]!.AsArray();
                entries.Add((name, shape, offsets[0]!.GetValue<long>(), offsets[1]!.GetValue<long>()));
            }
            catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException or ArgumentOutOfRangeException)
            {
                throw Bad(sourceName, $"tensor '{name}' has a malformed header entry");
            }
        }

        long expectedEnd = 0;
        var tensors = new List<TensorData>(entries.Count);
        foreach (var (name, shape, begin, end) in entries.OrderBy(e => e.Begin))
        {
            long count = shape.Aggregate(1L, (a, b) => b < 0 ? -1 : a * b);
            if (count < 0 || begin != expectedEnd || end < begin || end - begin != count * sizeof(float) || end > dataLength)
            {
                throw Bad(sourceName, $"tensor '{name}' has data offsets [{begin}, {end}] inconsistent with its shape [{string.Join(", ", shape)}] or the data section ({dataLength} bytes)");
            }

            var values = new float[count];
            ReadLittleEndian(all.AsSpan(dataStart + (int)begin, (int)(end - begin)), values);
            tensors.Add(new TensorData(name, shape, values));
            expectedEnd = end;
        }

        if (expectedEnd != dataLength)
        {
            throw Bad(sourceName, $"the data section holds {dataLength} bytes but the tensors cover {expectedEnd}");
        }

        return (tensors, metadata);
    }

    private static void WriteLittleEndian(Stream output, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        var buffer = new byte[values.Length * sizeof(float)];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(buffer.AsSpan(i * 4), values[i]);
        }

        output.Write(buffer);
    }

    private static void ReadLittleEndian(ReadOnlySpan<byte> bytes, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            bytes.CopyTo(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        for (int i = 0; i < values.Length; i++)
        {
            values[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
        }
    }

    private static InvalidDataException Bad(string source, string problem) => new($"{source}: not a valid safetensors payload: {problem}.");
}
