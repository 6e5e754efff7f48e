using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>onnx.proto's StringStringEntryProto: one entry of a model's metadata_props.</summary>
internal sealed record StringStringEntryProto(string Key, string Value)
{
    private const int KeyField = 1;
    private const int ValueField = 2;

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, KeyField, Key);
        ProtoFields.WriteString(output, ValueField, Value);
    }

    public static StringStringEntryProto Parse(CodedInputStream input)
    {
        string key = "", value = "";
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case KeyField: key = input.ReadString(); break;
                case ValueField: value = input.ReadString(); break;
                default: input.SkipLastField(); break;
            }
        }

        return new StringStringEntryProto(key, value);
    }
}
