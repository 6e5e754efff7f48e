using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's GraphProto: nodes in topological order, constant tensors (initializers), inputs and outputs.</summary>
internal sealed class GraphProto
{
    private const int NodeField = 1;
    private const int NameField = 2;
    private const int InitializerField = 5;
    private const int InputField = 11;
    private const int OutputField = 12;

    public string Name { get; set; } = "";

    public List<NodeProto> Nodes { get; } = [];

    public List<TensorProto> Initializers { get; } = [];

    public List<ValueInfoProto> Inputs { get; } = [];

    public List<ValueInfoProto> Outputs { get; } = [];

    public void WriteTo(CodedOutputStream output)
    {
        foreach (var n in Nodes)
        {
            ProtoFields.WriteMessage(output, NodeField, n.WriteTo);
        }

        ProtoFields.WriteString(output, NameField, Name);
        foreach (var t in Initializers)
        {
            ProtoFields.WriteMessage(output, InitializerField, t.WriteTo);
        }

        foreach (var i in Inputs)
        {
            ProtoFields.WriteMessage(output, InputField, i.WriteTo);
        }

        foreach (var o in Outputs)
        {
            ProtoFields.WriteMessage(output, OutputField, o.WriteTo);
        }
    }

    public static GraphProto Parse(CodedInputStream input)
    {
        var g = new GraphProto();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case NodeField: g.Nodes.Add(ProtoFields.ReadMessage(input, NodeProto.Parse)); break;
                case NameField: g.Name = input.ReadString(); break;
                case InitializerField: g.Initializers.Add(ProtoFields.ReadMessage(input, TensorProto.Parse)); break;
                case InputField: g.Inputs.Add(ProtoFields.ReadMessage(input, ValueInfoProto.Parse)); break;
                case OutputField: g.Outputs.Add(ProtoFields.ReadMessage(input, ValueInfoProto.Parse)); break;
                default: input.SkipLastField(); break;
            }
        }

        return g;
    }
}
