using System.Buffers.Binary;
using System.Globalization;
using Google.Protobuf;

namespace Ml.BatchNorm.Files;

/// <summary>
/// Writes scalar summaries to a TensorBoard event file (<c>events.out.tfevents.SECONDS.HOST</c>) that
/// TensorBoard and tf.summary readers open. Each record is TFRecord-framed: a little-endian uint64
/// length, the masked CRC-32C of those 8 bytes, the serialized <c>Event</c> proto, and the masked
/// CRC-32C of the proto. The first event carries the file version "brain.Event:2".
/// </summary>
public sealed class TensorBoardEventWriter : IDisposable
{
    /// <summary>The file version TensorBoard expects in the first event.</summary>
    public const string FileVersion = "brain.Event:2";

    // Field numbers of tensorflow/core/util/event.proto and summary.proto.
    private const int EventWallTime = 1;
    private const int EventStep = 2;
    private const int EventFileVersion = 3;
    private const int EventSummary = 5;
    private const int SummaryValue = 1;
    private const int ValueTag = 1;
    private const int ValueSimpleValue = 2;

    private readonly FileStream _stream;

    /// <summary>Creates the folder if needed and a new event file in it, stamped with the current time and this machine's name.</summary>
    public TensorBoardEventWriter(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        double now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0;
        string host = string.Concat(Environment.MachineName.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        FilePath = Path.Combine(directory, string.Create(CultureInfo.InvariantCulture, $"events.out.tfevents.{(long)now}.{host}"));
        _stream = new FileStream(FilePath, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        WriteEvent(now, step: 0, fileVersion: FileVersion, summary: null);
    }

    /// <summary>The event file's path.</summary>
    public string FilePath { get; }

    /// <summary>Appends one scalar summary, stamped with the current wall time.</summary>
    public void AddScalar(string tag, float value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        using var summary = new MemoryStream();
        var output = new CodedOutputStream(summary);
        output.WriteTag(SummaryValue, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ScalarValue(tag, value));
        output.Flush();
        WriteEvent(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0, step, fileVersion: null, ByteString.CopyFrom(summary.ToArray()));
    }

    /// <summary>Pushes written records to the file.</summary>
    public void Flush() => _stream.Flush();

    /// <summary>Flushes and closes the file.</summary>
    public void Dispose() => _stream.Dispose();

    /// <summary>Frames <paramref name="data"/> as a TFRecord: length, masked CRC of the length, data, masked CRC of the data.</summary>
    internal static void WriteRecord(Stream stream, ReadOnlySpan<byte> data)
    {
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Mask(Crc32C.Compute(header[..8])));
        stream.Write(header);
        stream.Write(data);
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, Crc32C.Mask(Crc32C.Compute(data)));
        stream.Write(footer);
    }

    private static ByteString ScalarValue(string tag, float value)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        output.WriteTag(ValueTag, WireFormat.WireType.LengthDelimited);
        output.WriteString(tag);
        output.WriteTag(ValueSimpleValue, WireFormat.WireType.Fixed32);
        output.WriteFloat(value);
        output.Flush();
        return ByteString.CopyFrom(bytes.ToArray());
    }

    private void WriteEvent(double wallTime, long step, string? fileVersion, ByteString? summary)
    {
        using var bytes = new MemoryStream();
        var output = new CodedOutputStream(bytes);
        output.WriteTag(EventWallTime, WireFormat.WireType.Fixed64);
        output.WriteDouble(wallTime);
        if (step != 0)
        {
            output.WriteTag(EventStep, WireFormat.WireType.Varint);
            output.WriteInt64(step);
        }

        if (fileVersion is not null)
        {
            output.WriteTag(EventFileVersion, WireFormat.WireType.LengthDelimited);
            output.WriteString(fileVersion);
        }

        if (summary is not null)
        {
            output.WriteTag(EventSummary, WireFormat.WireType.LengthDelimited);
            output.WriteBytes(summary);
        }

        output.Flush();
        WriteRecord(_stream, bytes.ToArray());
    }
}
