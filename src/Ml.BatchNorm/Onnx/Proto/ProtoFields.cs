using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>
/// Writes and reads protobuf fields for the hand-written ONNX messages. Nested messages are written
/// through a buffer because the wire format puts a message's length before its bytes.
/// </summary>
internal static class ProtoFields
{
    public static void WriteString(CodedOutputStream output, int field, string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return;
        }

        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteString(value);
    }

    public static void WriteInt64(CodedOutputStream output, int field, long value)
    {
        if (value == 0)
        {
            return;
        }

        output.WriteTag(field, WireFormat.WireType.Varint);
        output.WriteInt64(value);
    }

    public static void WriteMessage(CodedOutputStream output, int field, Action<CodedOutputStream> writeBody)
    {
        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ToByteString(writeBody));
    }

    public static ByteString ToByteString(Action<CodedOutputStream> writeBody)
    {
        using var buffer = new MemoryStream();
        var nested = new CodedOutputStream(buffer, leaveOpen: true);
        writeBody(nested);
        nested.Flush();
        return ByteString.CopyFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Parses a length-delimited nested message with <paramref name="parse"/>.</summary>
    public static T ReadMessage<T>(CodedInputStream input, Func<CodedInputStream, T> parse)
    {
        var bytes = input.ReadBytes();
        var nested = new CodedInputStream(bytes.Memory.ToArray());
        return parse(nested);
    }

    /// <summary>Reads a repeated int64 field, packed (proto3's default) or not.</summary>
    public static void ReadInt64s(CodedInputStream input, uint tag, List<long> destination)
    {
        if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
        {
            var bytes = input.ReadBytes().ToByteArray();
            var packed = new CodedInputStream(bytes);
            while (!packed.IsAtEnd)
            {
                destination.Add(packed.ReadInt64());
            }
        }
        else
        {
            destination.Add(input.ReadInt64());
        }
    }

    /// <summary>Reads a repeated float field, packed or not.</summary>
    public static void ReadFloats(CodedInputStream input, uint tag, List<float> destination)
    {
        if (WireFormat.GetTagWireType(tag) == WireFormat.WireType.LengthDelimited)
        {
            var bytes = input.ReadBytes().ToByteArray();
            for (int i = 0; i + 4 <= bytes.Length; i += 4)
            {
                destination.Add(BitConverter.ToSingle(bytes, i));
            }
        }
        else
        {
            destination.Add(input.ReadFloat());
        }
    }

    public static void WritePackedInt64s(CodedOutputStream output, int field, IReadOnlyList<long> values)
    {
        if (values.Count == 0)
        {
            return;
        }

        output.WriteTag(field, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ToByteString(o =>
        {
            foreach (long v in values)
            {
                o.WriteInt64(v);
            }
        }));
    }
}
