using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's AttributeProto for the kinds the graphs here use: float, int, string, tensor, ints, strings.</summary>
internal sealed class AttributeProto
{
    // AttributeProto.AttributeType values.
    public const int FloatKind = 1;
    public const int IntKind = 2;
    public const int StringKind = 3;
    public const int TensorKind = 4;
    public const int IntsKind = 7;
    public const int StringsKind = 8;

    private const int NameField = 1;
    private const int FField = 2;
    private const int IField = 3;
    private const int SField = 4;
    private const int TField = 5;
    private const int IntsField = 8;
    private const int StringsField = 9;
    private const int TypeField = 20;

    public string Name { get; set; } = "";

    public int Kind { get; set; }

    public float Float { get; set; }

    public long Int { get; set; }

    public string String { get; set; } = "";

    public TensorProto? Tensor { get; set; }

    public List<long> Ints { get; } = [];

    public List<string> Strings { get; } = [];

    public static AttributeProto Of(string name, float value) => new() { Name = name, Kind = FloatKind, Float = value };

    public static AttributeProto Of(string name, long value) => new() { Name = name, Kind = IntKind, Int = value };

    public static AttributeProto Of(string name, TensorProto value) => new() { Name = name, Kind = TensorKind, Tensor = value };

    public static AttributeProto Of(string name, IEnumerable<long> values)
    {
        var a = new AttributeProto { Name = name, Kind = IntsKind };
        a.Ints.AddRange(values);
        return a;
    }

    public static AttributeProto Of(string name, IEnumerable<string> values)
    {
        var a = new AttributeProto { Name = name, Kind = StringsKind };
        a.Strings.AddRange(values);
        return a;
    }

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, NameField, Name);
        output.WriteTag(TypeField, WireFormat.WireType.Varint);
        output.WriteInt32(Kind);
        switch (Kind)
        {
            case FloatKind:
                output.WriteTag(FField, WireFormat.WireType.Fixed32);
                output.WriteFloat(Float);
                break;
            case IntKind:
                output.WriteTag(IField, WireFormat.WireType.Varint);
                output.WriteInt64(Int);
                break;
            case StringKind:
                output.WriteTag(SField, WireFormat.WireType.LengthDelimited);
                output.WriteBytes(ByteString.CopyFromUtf8(String));
                break;
            case TensorKind:
                ProtoFields.WriteMessage(output, TField, Tensor!.WriteTo);
                break;
            case IntsKind:
                ProtoFields.WritePackedInt64s(output, IntsField, Ints);
                break;
            case StringsKind:
                foreach (string s in Strings)
                {
                    output.WriteTag(StringsField, WireFormat.WireType.LengthDelimited);
                    output.WriteBytes(ByteString.CopyFromUtf8(s));
                }

                break;
            default:
                throw new InvalidOperationException($"attribute '{Name}' has kind {Kind}, which this writer does not write.");
        }
    }

    public static AttributeProto Parse(CodedInputStream input)
    {
        var a = new AttributeProto();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case NameField: a.Name = input.ReadString(); break;
                case TypeField: a.Kind = input.ReadInt32(); break;
                case FField: a.Float = input.ReadFloat(); break;
                case IField: a.Int = input.ReadInt64(); break;
                case SField: a.String = input.ReadBytes().ToStringUtf8(); break;
                case TField: a.Tensor = ProtoFields.ReadMessage(input, TensorProto.Parse); break;
                case IntsField: ProtoFields.ReadInt64s(input, tag, a.Ints); break;
                case StringsField: a.Strings.Add(input.ReadBytes().ToStringUtf8()); break;
                default: input.SkipLastField(); break;
            }
        }

        return a;
    }
}
