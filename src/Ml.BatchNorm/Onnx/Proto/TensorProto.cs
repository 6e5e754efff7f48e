using System.Runtime.InteropServices;
using System.Text;
using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>
/// onnx.proto's TensorProto for the element types this library writes: float and int64 (stored as
/// little-endian raw_data) and string (string_data). Reading also accepts the typed repeated fields.
/// </summary>
internal sealed class TensorProto
{
    public const int FloatType = 1;
    public const int Int64Type = 7;
    public const int StringType = 8;

    private const int DimsField = 1;
    private const int DataTypeField = 2;
    private const int FloatDataField = 4;
    private const int StringDataField = 6;
    private const int Int64DataField = 7;
    private const int NameField = 8;
    private const int RawDataField = 9;

    public string Name { get; set; } = "";

    public List<long> Dims { get; } = [];

    public int DataType { get; set; }

    public float[] Floats { get; set; } = [];

    public long[] Int64s { get; set; } = [];

    public List<string> Strings { get; } = [];

    public long ElementCount => Dims.Aggregate(1L, (a, b) => a * b);

    public static TensorProto FromFloats(string name, IReadOnlyList<long> dims, float[] values) =>
        new TensorProto { Name = name, DataType = FloatType, Floats = values }.WithDims(dims);

    public static TensorProto FromInt64s(string name, IReadOnlyList<long> dims, long[] values) =>
        new TensorProto { Name = name, DataType = Int64Type, Int64s = values }.WithDims(dims);

    public static TensorProto FromStrings(string name, IReadOnlyList<long> dims, IEnumerable<string> values)
    {
        var tensor = new TensorProto { Name = name, DataType = StringType }.WithDims(dims);
        tensor.Strings.AddRange(values);
        return tensor;
    }

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WritePackedInt64s(output, DimsField, Dims);
        ProtoFields.WriteInt64(output, DataTypeField, DataType);
        ProtoFields.WriteString(output, NameField, Name);
        switch (DataType)
        {
            case FloatType:
                WriteRaw(output, MemoryMarshal.AsBytes(Floats.AsSpan()));
                break;
            case Int64Type:
                WriteRaw(output, MemoryMarshal.AsBytes(Int64s.AsSpan()));
                break;
            case StringType:
                foreach (string s in Strings)
                {
                    output.WriteTag(StringDataField, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFromUtf8(s));
                }

                break;
            default:
                throw new InvalidOperationException($"tensor '{Name}' has element type {DataType}, which this writer does not write.");
        }
    }

    public static TensorProto Parse(CodedInputStream input)
    {
        var tensor = new TensorProto();
        var floats = new List<float>();
        var int64s = new List<long>();
        byte[]? raw = null;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case DimsField: ProtoFields.ReadInt64s(input, tag, tensor.Dims); break;
                case DataTypeField: tensor.DataType = input.ReadInt32(); break;
                case FloatDataField: ProtoFields.ReadFloats(input, tag, floats); break;
                case Int64DataField: ProtoFields.ReadInt64s(input, tag, int64s); break;
                case StringDataField: tensor.Strings.Add(Encoding.UTF8.GetString(input.ReadBytes().Span)); break;
                case NameField: tensor.Name = input.ReadString(); break;
                case RawDataField: raw = input.ReadBytes().ToByteArray(); break;
                default: input.SkipLastField(); break;
            }
        }

        // The wire is little-endian, as are the machines this library runs on.
        tensor.Floats = raw is not null && tensor.DataType == FloatType ? MemoryMarshal.Cast<byte, float>(raw).ToArray() : floats.ToArray();
        tensor.Int64s = raw is not null && tensor.DataType == Int64Type ? MemoryMarshal.Cast<byte, long>(raw).ToArray() : int64s.ToArray();
        return tensor;
    }

    private static void WriteRaw(CodedOutputStream output, ReadOnlySpan<byte> bytes)
    {
        output.WriteTag(RawDataField, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(ByteString.CopyFrom(bytes));
    }

    private TensorProto WithDims(IReadOnlyList<long> dims)
    {
        Dims.AddRange(dims);
        return this;
    }
}
