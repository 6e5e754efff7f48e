using System.Buffers.Binary;
using Google.Protobuf;


namespace Ml.BatchNorm.Tests.Files;

/// <summary>Reads TensorBoard event files back for tests: checks the TFRecord framing and decodes the Event fields the writer uses.</summary>
internal static class TensorBoardEventReader
{
    public sealed record Event(double WallTime, long Step, string? FileVersion, IReadOnlyList<(string Tag, float Value)> Values);

    public static List<Event> Read(string path)
    {
        byte[] bytes = File.ReadAllBytes(path);
        var events = new List<Event>();
        int at = 0;
        while (at < bytes.Length)
        {
            Assert.IsLessThanOrEqualTo(bytes.Length, at + 12, $"truncated record header at {at}");
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(at));
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 8));
            Assert.AreEqual(Crc32C.Mask(Crc32C.Compute(bytes.AsSpan(at, 8))), lengthCrc, $"length CRC of the record at {at}");
            var data = bytes.AsSpan(at + 12, (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at + 12 + (int)length));
            Assert.AreEqual(Crc32C.Mask(Crc32C.Compute(data)), dataCrc, $"data CRC of the record at {at}");
            events.Add(ParseEvent(data.ToArray()));
            at += 12 + (int)length + 4;
        }

        return events;
    }

    private static Event ParseEvent(byte[] data)
    {
        var input = new CodedInputStream(data);
        double wall = 0;
        long step = 0;
        string? version = null;
        var values = new List<(string, float)>();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case 1: wall = input.ReadDouble(); break;
                case 2: step = input.ReadInt64(); break;
                case 3: version = input.ReadString(); break;
                case 5: values.AddRange(ParseSummary(input.ReadBytes())); break;
                default: input.SkipLastField(); break;
            }
        }

        return new Event(wall, step, version, values);
    }

    private static IEnumerable<(string, float)> ParseSummary(ByteString summary)
    {
        var input = new CodedInputStream(summary.ToByteArray());
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            Assert.AreEqual(1, WireFormat.GetTagFieldNumber(tag), "Summary has only repeated Value value = 1");
            var value = new CodedInputStream(input.ReadBytes().ToByteArray());
            string name = "";
            float simple = float.NaN;
            uint t;
            while ((t = value.ReadTag()) != 0)
            {
                switch (WireFormat.GetTagFieldNumber(t))
                {
                    case 1: name = value.ReadString(); break;
                    case 2: simple = value.ReadFloat(); break;
                    default: value.SkipLastField(); break;
                }
            }

            yield return (name, simple);
        }
    }
}
