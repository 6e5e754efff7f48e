using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Ml.BatchNorm.Files;

/// <summary>
/// Reads and writes the safetensors layout, so that weights can be exchanged with PyTorch
/// (<c>safetensors.torch.load_file</c>). Only float32 tensors are supported.
/// </summary>
/// <remarks>
/// Layout: an 8-byte little-endian unsigned header length N; N bytes of UTF-8 JSON, padded with spaces so
/// that N is a multiple of 8 (which keeps the data 8-byte aligned); then the data section, where each tensor's
/// little-endian bytes lie at <c>data_offsets</c> [begin, end) relative to the start of that section.
/// The JSON maps each tensor name to <c>{"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}</c>
/// and may hold <c>"__metadata__"</c>, a string-to-string map.
/// </remarks>
internal static class SafeTensorsFormat
{
    /// <summary>The reserved header key for free-form string metadata.</summary>
    public const string MetadataKey = "__metadata__";

    /// <summary>Headers this large are not plausible for tensor listings and are refused before allocating.</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    private const string Float32 = "F32";
    private const int CopyChunkBytes = 1 << 20;

    /// <summary>Writes <paramref name="tensors"/> contiguously, in the given order, with optional metadata.</summary>
    /// <exception cref="ArgumentException">Two tensors share a name, or a tensor is named <c>__metadata__</c>.</exception>
    public static void Write(Stream output, IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(tensors);

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            if (t.Name == MetadataKey)
                throw new ArgumentException($"A tensor cannot be named '{MetadataKey}': the safetensors header reserves that key for metadata.", nameof(tensors));
            if (!names.Add(t.Name))
                throw new ArgumentException($"Two tensors are named '{t.Name}'; safetensors names must be unique.", nameof(tensors));
        }

        var header = BuildHeader(tensors, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        output.Write(prefix);
        output.Write(header);

        foreach (var t in tensors)
            WriteValues(output, t.Values);
    }

    /// <summary>
    /// Reads a safetensors stream, returning the tensors in data order (the order they were written) and the metadata
    /// (empty when absent).
    /// </summary>
    /// <param name="input">Positioned at the start of the safetensors content; read to its end.</param>
    /// <param name="sourceName">Names the source (usually the file path) in error messages.</param>
    /// <exception cref="InvalidDataException">The content is not valid float32 safetensors; the message names <paramref name="sourceName"/>.</exception>
    public static (IReadOnlyList<TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata) Read(Stream input, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(sourceName);

        // When the stream can tell its length, every size claimed by the header is checked against it before any
        // allocation, so a damaged header cannot ask for gigabytes.
        long? remaining = input.CanSeek ? input.Length - input.Position : null;

        Span<byte> prefix = stackalloc byte[8];
        var got = input.ReadAtLeast(prefix, 8, throwOnEndOfStream: false);
        if (got < 8)
            throw Error(sourceName, $"it is {got} bytes long, too short for the 8-byte header length that starts every safetensors file.");

        var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > (ulong)MaxHeaderLength)
            throw Error(sourceName, $"the header length is {headerLength} bytes; expected less than {MaxHeaderLength} (this is probably not a safetensors file).");
        if (remaining is { } total && (long)headerLength > total - 8)
            throw Error(sourceName, $"the header length is {headerLength} bytes but only {total - 8} bytes follow the length prefix (the file is truncated or not a safetensors file).");
        if (headerLength < 2)
            throw Error(sourceName, $"the header length is {headerLength} bytes; expected at least 2 for a JSON object.");

        var header = new byte[headerLength];
        if (input.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length)
            throw Error(sourceName, $"the stream ended inside the {headerLength}-byte header (the file is truncated).");

        var (entries, metadata) = ParseHeader(header, sourceName);

        // Tensors must tile the data section exactly, as in the reference implementation: sorted by offset, each
        // starts where the previous ended, and the last ends at the end of the data. This rules out overlaps
        // (two tensors aliasing bytes) and unexplained gaps.
        entries.Sort((a, b) => a.Begin != b.Begin ? a.Begin.CompareTo(b.Begin) : a.End.CompareTo(b.End));
        long expectedBegin = 0;
        foreach (var e in entries)
        {
            if (e.Begin < expectedBegin)
                throw Error(sourceName, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] overlap the previous tensor, which ends at {expectedBegin}.");
            if (e.Begin > expectedBegin)
                throw Error(sourceName, $"tensor '{e.Name}' data_offsets [{e.Begin}, {e.End}] leave a gap: expected it to begin at {expectedBegin}.");
            expectedBegin = e.End;
        }

        var dataLength = expectedBegin;
        if (remaining is { } all)
        {
            var actual = all - 8 - (long)headerLength;
            if (actual != dataLength)
                throw Error(sourceName, $"the data section is {actual} bytes but the header describes {dataLength} bytes of tensors (the file is truncated or has trailing bytes).");
        }

        var tensors = new List<TensorData>(entries.Count);
        foreach (var e in entries)
        {
            var values = new float[e.ElementCount];
            var bytes = MemoryMarshal.AsBytes(values.AsSpan());
            if (input.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                throw Error(sourceName, $"the stream ended inside the data of tensor '{e.Name}' (expected {dataLength} bytes of tensor data; the file is truncated).");
            if (!BitConverter.IsLittleEndian)
                BinaryPrimitives.ReverseEndianness(MemoryMarshal.Cast<float, int>(values.AsSpan()), MemoryMarshal.Cast<float, int>(values.AsSpan()));
            tensors.Add(new TensorData(e.Name, e.Shape, values));
        }

        if (remaining is null && input.ReadByte() >= 0)
            throw Error(sourceName, $"bytes follow the {dataLength} bytes of tensor data that the header describes; expected the data section to end there.");

        return (tensors, metadata);
    }

    private static byte[] BuildHeader(IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(MetadataKey);
                // Sorted so that the same model always produces the same bytes.
                foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                    json.WriteString(key, value);
                json.WriteEndObject();
            }

            long offset = 0;
            foreach (var t in tensors)
            {
                var end = offset + t.ElementCount * sizeof(float);
                json.WriteStartObject(t.Name);
                json.WriteString("dtype", Float32);
                json.WriteStartArray("shape");
                foreach (var d in t.Shape)
                    json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }

            json.WriteEndObject();
        }

        var written = buffer.WrittenSpan;
        var padded = (written.Length + 7) / 8 * 8;
        var header = new byte[padded];
        written.CopyTo(header);
        header.AsSpan(written.Length).Fill((byte)' ');
        return header;
    }

    private static void WriteValues(Stream output, float[] values)
    {
        if (BitConverter.IsLittleEndian)
        {
            output.Write(MemoryMarshal.AsBytes(values.AsSpan()));
            return;
        }

        // Big-endian hosts: swap through a bounded buffer rather than mutating the caller's array.
        var chunk = ArrayPool<int>.Shared.Rent(CopyChunkBytes / sizeof(int));
        try
        {
            var source = MemoryMarshal.Cast<float, int>(values.AsSpan());
            while (!source.IsEmpty)
            {
                var n = Math.Min(source.Length, chunk.Length);
                BinaryPrimitives.ReverseEndianness(source[..n], chunk.AsSpan(0, n));
                output.Write(MemoryMarshal.AsBytes(chunk.AsSpan(0, n)));
                source = source[n..];
            }
        }
        finally
        {
            ArrayPool<int>.Shared.Return(chunk);
        }
    }

    private static (List<Entry> Entries, Dictionary<string, string> Metadata) ParseHeader(byte[] header, string sourceName)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header);
        }
        catch (JsonException e)
        {
            throw Error(sourceName, $"the header is not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw Error(sourceName, $"the header is a JSON {root.ValueKind}; expected a JSON object mapping tensor names to descriptions.");

            var entries = new List<Entry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                // JsonDocument keeps duplicate keys; two descriptions for one name would make the file ambiguous.
                if (!seen.Add(property.Name))
                    throw Error(sourceName, $"the header lists '{property.Name}' twice; expected unique names.");

                if (property.Name == MetadataKey)
                    ReadMetadata(property.Value, metadata, sourceName);
                else
                    entries.Add(ReadEntry(property.Name, property.Value, sourceName));
            }

            return (entries, metadata);
        }
    }

    private static void ReadMetadata(JsonElement element, Dictionary<string, string> metadata, string sourceName)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(sourceName, $"'{MetadataKey}' is a JSON {element.ValueKind}; expected an object of string values.");
        foreach (var item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
                throw Error(sourceName, $"metadata '{item.Name}' is a JSON {item.Value.ValueKind}; expected a string.");
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static Entry ReadEntry(string name, JsonElement element, string sourceName)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw Error(sourceName, $"tensor '{name}' is described by a JSON {element.ValueKind}; expected an object with dtype, shape and data_offsets.");

        if (!element.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Error(sourceName, $"tensor '{name}' has no string 'dtype'.");
        var dtypeName = dtype.GetString();
        if (dtypeName != Float32)
            throw Error(sourceName, $"tensor '{name}' has dtype {dtypeName}; only F32 (float32) tensors are supported.");

        if (!element.TryGetProperty("shape", out var shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
            throw Error(sourceName, $"tensor '{name}' has no 'shape' array.");
        var shape = new long[shapeElement.GetArrayLength()];
        long count = 1;
        var i = 0;
        foreach (var d in shapeElement.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt64(out var size) || size < 0)
                throw Error(sourceName, $"tensor '{name}' has shape entry {d.GetRawText()}; expected non-negative integers.");
            shape[i++] = size;
            // Any count beyond a managed array's reach cannot be loaded anyway; stopping here also avoids overflow.
            count = size == 0 || count == 0 ? 0 : count > Array.MaxLength / size ? long.MaxValue : count * size;
        }

        if (count > Array.MaxLength)
            throw Error(sourceName, $"tensor '{name}' has shape [{string.Join(", ", shape)}], more elements than a single array can hold.");

        if (!element.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Error(sourceName, $"tensor '{name}' has no 'data_offsets' array of two integers [begin, end].");
        var begin = ReadOffset(name, offsets[0], sourceName);
        var end = ReadOffset(name, offsets[1], sourceName);
        if (end < begin)
            throw Error(sourceName, $"tensor '{name}' has data_offsets [{begin}, {end}]; expected begin <= end.");
        if (end - begin != count * sizeof(float))
            throw Error(sourceName, $"tensor '{name}' has data_offsets [{begin}, {end}] ({end - begin} bytes) but shape [{string.Join(", ", shape)}] as F32 needs {count * sizeof(float)} bytes.");

        return new Entry(name, shape, count, begin, end);
    }

    private static long ReadOffset(string name, JsonElement element, string sourceName)
    {
        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var value) || value < 0)
            throw Error(sourceName, $"tensor '{name}' has data offset {element.GetRawText()}; expected a non-negative integer.");
        return value;
    }

    private static InvalidDataException Error(string sourceName, string reason, Exception? inner = null) =>
        new($"'{sourceName}' is not a valid safetensors file: {reason}", inner);

    private sealed record Entry(string Name, long[] Shape, long ElementCount, long Begin, long End);
}
