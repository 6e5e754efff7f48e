using Google.Protobuf;

namespace Ml.BatchNorm.Onnx.Proto;

/// <summary>
/// onnx.proto's ValueInfoProto with its TypeProto reduced to what graph inputs and outputs here are:
/// a tensor of one element type whose dimensions are each a fixed size or a named (symbolic) one.
/// </summary>
internal sealed class ValueInfoProto
{
    private const int NameField = 1;
    private const int TypeField = 2;

    // TypeProto
    private const int TensorTypeField = 1;

    // TypeProto.Tensor
    private const int ElemTypeField = 1;
    private const int ShapeField = 2;

    // TensorShapeProto and its Dimension
    private const int DimField = 1;
    private const int DimValueField = 1;
    private const int DimParamField = 2;

    public string Name { get; set; } = "";

    /// <summary>A <see cref="TensorProto"/> element type.</summary>
    public int ElementType { get; set; }

    /// <summary>Each dimension: a fixed size, or a symbolic name such as "N".</summary>
    public List<OnnxDimension> Shape { get; } = [];

    public static ValueInfoProto Tensor(string name, int elementType, params OnnxDimension[] shape)
    {
        var v = new ValueInfoProto { Name = name, ElementType = elementType };
        v.Shape.AddRange(shape);
        return v;
    }

    public void WriteTo(CodedOutputStream output)
    {
        ProtoFields.WriteString(output, NameField, Name);
        ProtoFields.WriteMessage(output, TypeField, type =>
            ProtoFields.WriteMessage(type, TensorTypeField, tensor =>
            {
                ProtoFields.WriteInt64(tensor, ElemTypeField, ElementType);
                ProtoFields.WriteMessage(tensor, ShapeField, shape =>
                {
                    foreach (var d in Shape)
                    {
                        ProtoFields.WriteMessage(shape, DimField, dim =>
                        {
                            if (d.Symbol is null)
                            {
                                dim.WriteTag(DimValueField, WireFormat.WireType.Varint);
                                dim.WriteInt64(d.Size);
                            }
                            else
                            {
                                ProtoFields.WriteString(dim, DimParamField, d.Symbol);
                            }
                        });
                    }
                });
            }));
    }

    public static ValueInfoProto Parse(CodedInputStream input)
    {
        var v = new ValueInfoProto();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            switch (WireFormat.GetTagFieldNumber(tag))
            {
                case NameField: v.Name = input.ReadString(); break;
                case TypeField: ProtoFields.ReadMessage(input, type => ParseType(type, v)); break;
                default: input.SkipLastField(); break;
            }
        }

        return v;
    }

    private static bool ParseType(CodedInputStream type, ValueInfoProto v)
    {
        uint tag;
        while ((tag = type.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != TensorTypeField)
            {
                type.SkipLastField();
                continue;
            }

            ProtoFields.ReadMessage(type, tensor =>
            {
                uint t;
                while ((t = tensor.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(t))
                    {
                        case ElemTypeField: v.ElementType = tensor.ReadInt32(); break;
                        case ShapeField: ProtoFields.ReadMessage(tensor, shape => ParseShape(shape, v)); break;
                        default: tensor.SkipLastField(); break;
                    }
                }

                return true;
            });
        }

        return true;
    }

    private static bool ParseShape(CodedInputStream shape, ValueInfoProto v)
    {
        uint tag;
        while ((tag = shape.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) != DimField)
            {
                shape.SkipLastField();
                continue;
            }

            v.Shape.Add(ProtoFields.ReadMessage(shape, dim =>
            {
                long size = 0;
                string? symbol = null;
                uint t;
                while ((t = dim.ReadTag()) != 0)
                {
                    switch (WireFormat.GetTagFieldNumber(t))
                    {
                        case DimValueField: size = dim.ReadInt64(); break;
                        case DimParamField: symbol = dim.ReadString(); break;
                        default: dim.SkipLastField(); break;
                    }
                }

                return new OnnxDimension(size, symbol);
            }));
        }

        return true;
    }
}

/// <summary>One dimension of a graph input or output: <paramref name="Size"/>, or the symbol <paramref name="Symbol"/> when it is not fixed.</summary>
internal sealed record OnnxDimension(long Size, string? Symbol = null)
{
    public static implicit operator OnnxDimension(long size) => new(size);

    public static implicit operator OnnxDimension(string symbol) => new(0, symbol);

    public override string ToString() => Symbol ?? Size.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
