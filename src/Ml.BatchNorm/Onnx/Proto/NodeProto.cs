using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's NodeProto: one operator call, its inputs and outputs by name.</summary>
internal sealed class NodeProto
{
    private const int InputField = 1;
    private const int OutputField = 2;
    private const int NameField = 3;
    private const int OpTypeField = 4;
    private const int AttributeField = 5;
    private const int DomainField = 7;

    public List<string> Inputs { get; } = [];

    public List<string> Outputs { get; } = [];

    public string Name { get; set; } = "";

    public string OpType { get; set; } = "";

    public string Domain { get; set; } = "";

    public List<AttributeProto> Attributes { get; } = [];

    public void WriteTo(CodedOutputStream output)
    {
        foreach (string i in Inputs)
        {
            // An empty name is an omitted optional input; it must still hold its place.
            output.WriteTag(InputField, WireFormat.WireType.LengthDelimited);
            output.WriteString(i);
        }

        foreach (string o in Outputs)
        {
            output.WriteTag(OutputField, WireFormat.WireType.LengthDelimited);
            output.WriteString(o);
        }

        ProtoFields.WriteString(output, NameField, Name);
        ProtoFields.WriteString(output, OpTypeField, OpType);
        foreach (var a in Attributes)
        {
            ProtoFields.WriteMessage(output, AttributeField, a.WriteTo);
        }

        ProtoFields.WriteString(output, DomainField, Domain);
    }

    public static NodeProto Parse(CodedInputStream input)
    {
        var node = new NodeProto();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case InputField: node.Inputs.Add(input.ReadString()); break;
                case OutputField: node.Outputs.Add(input.ReadString()); break;
                case NameField: node.Name = input.ReadString(); break;
                case OpTypeField: node.OpType = input.ReadString(); break;
                case AttributeField: node.Attributes.Add(ProtoFields.ReadMessage(input, AttributeProto.Parse)); break;
                case DomainField: node.Domain = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return node;
    }
}
