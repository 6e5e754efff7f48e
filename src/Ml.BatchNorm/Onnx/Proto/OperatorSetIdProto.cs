using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's OperatorSetIdProto: an operator domain ("" is the standard one) and its opset version.</summary>
internal sealed record OperatorSetIdProto(string Domain, long Version)
{
    private const int DomainField = 1;
    private const int VersionField = 2;

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, DomainField, Domain);
        ProtoFields.WriteInt64(output, VersionField, Version);
    }

    public static OperatorSetIdProto Parse(CodedInputStream input)
    {
        string domain = "";
        long version = 0;
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case DomainField: domain = input.ReadString(); break;
                case VersionField: version = input.ReadInt64(); break;
                default: input.SkipLastField(); break;
            }
        }

        return new OperatorSetIdProto(domain, version);
    }
}
