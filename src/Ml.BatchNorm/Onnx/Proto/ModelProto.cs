using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's ModelProto: IR version, operator sets, producer, the graph and string metadata.</summary>
internal sealed class ModelProto
{
    private const int IrVersionField = 1;
    private const int ProducerNameField = 2;
    private const int ProducerVersionField = 3;
    private const int DomainField = 4;
    private const int ModelVersionField = 5;
    private const int GraphField = 7;
    private const int OpsetImportField = 8;
    private const int MetadataPropsField = 14;

    public long IrVersion { get; set; }

    public string ProducerName { get; set; } = "";

    public string ProducerVersion { get; set; } = "";

    public string Domain { get; set; } = "";

    public long ModelVersion { get; set; }

    public GraphProto? Graph { get; set; }

    public List<OperatorSetIdProto> OpsetImports { get; } = [];

    public List<StringStringEntryProto> MetadataProps { get; } = [];

    public byte[] ToByteArray()
    {
        using var buffer = new MemoryStream();
        var output = new CodedOutputStream(buffer, leaveOpen: true);
        WriteTo(output);
        output.Flush();
        return buffer.ToArray();
    }

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteInt64(output, IrVersionField, IrVersion);
        ProtoFields.WriteString(output, ProducerNameField, ProducerName);
        ProtoFields.WriteString(output, ProducerVersionField, ProducerVersion);
        ProtoFields.WriteString(output, DomainField, Domain);
        ProtoFields.WriteInt64(output, ModelVersionField, ModelVersion);
        if (Graph is not null)
        {
            ProtoFields.WriteMessage(output, GraphField, Graph.WriteTo);
        }

        foreach (var o in OpsetImports)
        {
            ProtoFields.WriteMessage(output, OpsetImportField, o.WriteTo);
        }

        foreach (var m in MetadataProps)
        {
            ProtoFields.WriteMessage(output, MetadataPropsField, m.WriteTo);
        }
    }

    /// <summary>Parses a serialized model; throws <see cref="InvalidProtocolBufferException"/> on malformed bytes.</summary>
    public static ModelProto Parse(byte[] bytes)
    {
        var input = new CodedInputStream(bytes);
        var m = new ModelProto();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case IrVersionField: m.IrVersion = input.ReadInt64(); break;
                case ProducerNameField: m.ProducerName = input.ReadString(); break;
                case ProducerVersionField: m.ProducerVersion = input.ReadString(); break;
                case DomainField: m.Domain = input.ReadString(); break;
                case ModelVersionField: m.ModelVersion = input.ReadInt64(); break;
                case GraphField: m.Graph = ProtoFields.ReadMessage(input, GraphProto.Parse); break;
                case OpsetImportField: m.OpsetImports.Add(ProtoFields.ReadMessage(input, OperatorSetIdProto.Parse)); break;
                case MetadataPropsField: m.MetadataProps.Add(ProtoFields.ReadMessage(input, StringStringEntryProto.Parse)); break;
                default: input.SkipLastField(); break;
            }
        }

        return m;
    }
}
