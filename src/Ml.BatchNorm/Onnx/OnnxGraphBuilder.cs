using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx.Proto;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// Translates a network into an inference graph of standard ONNX operators (opset 13), layer by layer
/// as the engine computes it: the flat input reshaped to (N, C, H, W), convolutions with the engine's
/// "same" padding, batch norms as BatchNormalization nodes over the moving statistics, CReLU as
/// Concat(Relu(x), Relu(Neg(x))), max pooling, Flatten in the engine's (C, H, W) order, dense layers
/// as Gemm, no dropout, and a final Softmax. A batch norm followed by CReLU (and a max pool) is written
/// in an equivalent form that ONNX Runtime runs faster (<see cref="BatchNormCRelu"/>). Initializers carry
/// the engine's tensor names.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly Network _network;
    private readonly Dictionary<string, TensorInfo> _tensors;
    private readonly GraphProto _graph = new() { Name = "Ml.BatchNorm" };
    private readonly HashSet<string> _used = new(StringComparer.Ordinal);

    private OnnxGraphBuilder(Network network)
    {
        _network = network;
        _tensors = network.GetTensorInfos().ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The graph, and the parameter and statistic tensors it does not use (kept elsewhere by the writer).</summary>
    public static (GraphProto Graph, IReadOnlyList<TensorInfo> Unused) Build(Network network, OnnxNetworkOptions options)
    {
        var builder = new OnnxGraphBuilder(network);
        builder.BuildGraph(options);
        var unused = builder._tensors.Values
            .Where(t => t.Role is TensorRole.Parameter or TensorRole.Statistic && !builder._used.Contains(t.Name))
            .ToList();
        return (builder._graph, unused);
    }

    private void BuildGraph(OnnxNetworkOptions options)
    {
        var spec = _network.Spec;
        _graph.Inputs.Add(ValueInfoProto.Tensor(options.InputName, TensorProto.FloatType, "N", spec.Channels * spec.Height * spec.Width));
        AddConstant("input.shape", [4], [-1, spec.Channels, spec.Height, spec.Width]);
        string x = Node("Reshape", "input.nchw", [options.InputName, "input.shape"]);

        // (channels, height, width) before flatten, (features) after: what the engine tracks to size layers.
        long[] shape = [spec.Channels, spec.Height, spec.Width];
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            if (options.NegatedBatchNormCRelu && spec.Layers[i] is BatchNormLayer b && i + 1 < spec.Layers.Count && spec.Layers[i + 1] is CReluLayer)
            {
                var pool = i + 2 < spec.Layers.Count ? spec.Layers[i + 2] as MaxPoolLayer : null;
                (x, shape) = BatchNormCRelu(i, b, pool, x, shape);
                i += pool is null ? 1 : 2;
                continue;
            }

            (x, shape) = Layer(i, spec.Layers[i], x, shape);
        }

        string logits = x;
        _graph.Nodes.Add(NodeOf("Softmax", [logits], options.ScoreName, AttributeProto.Of("axis", 1L)));
        _graph.Outputs.Add(ValueInfoProto.Tensor(options.ScoreName, TensorProto.FloatType, "N", _network.OutputSize));
        if (options.PredictedIndexName is string index)
        {
            // From the logits, as the engine picks its predictions: softmax can round two close logits to one probability.
            _graph.Nodes.Add(NodeOf("ArgMax", [logits], index, AttributeProto.Of("axis", 1L), AttributeProto.Of("keepdims", 0L)));
            _graph.Outputs.Add(ValueInfoProto.Tensor(index, TensorProto.Int64Type, "N"));
        }

        if (options.IncludeSlotNames && options.LabelNames is { } labels)
        {
            AddSlotNames(options.ScoreName, labels);
        }
    }

    private (string Output, long[] Shape) Layer(int i, LayerSpec layer, string x, long[] shape)
    {
        string p = $"{i}.";
        switch (layer)
        {
            case ConvolutionLayer c:
            {
                long h = c.SamePadding ? CeilDiv(shape[1], c.Stride) : ((shape[1] - c.KernelSize) / c.Stride) + 1;
                long w = c.SamePadding ? CeilDiv(shape[2], c.Stride) : ((shape[2] - c.KernelSize) / c.Stride) + 1;
                // TensorFlow's "same": the total padding split with the odd pixel at the end, as the engine pads.
                long th = c.SamePadding ? Math.Max(((h - 1) * c.Stride) + c.KernelSize - shape[1], 0) : 0;
                long tw = c.SamePadding ? Math.Max(((w - 1) * c.Stride) + c.KernelSize - shape[2], 0) : 0;
                var inputs = new List<string> { x, Use(p + "weight") };
                if (c.UseBias)
                {
                    inputs.Add(Use(p + "bias"));
                }

                string y = Node("Conv", p + "conv", inputs,
                    AttributeProto.Of("kernel_shape", [(long)c.KernelSize, c.KernelSize]),
                    AttributeProto.Of("strides", [(long)c.Stride, c.Stride]),
                    AttributeProto.Of("pads", [th / 2, tw / 2, th - (th / 2), tw - (tw / 2)]));
                return (y, [c.Filters, h, w]);
            }

            case BatchNormLayer b:
            {
                long channels = shape[0];
                // A layer without a learnt scale or shift has none in the engine: ones and zeros do the same.
                string scale = b.Options.Scale ? Use(p + "weight") : AddConstant(p + "scale_ones", [channels], Enumerable.Repeat(1f, (int)channels).ToArray());
                string bias = b.Options.Center ? Use(p + "bias") : AddConstant(p + "bias_zeros", [channels], new float[channels]);
                string y = Node("BatchNormalization", p + "batch_norm", [x, scale, bias, Use(p + "running_mean"), Use(p + "running_var")],
                    AttributeProto.Of("epsilon", (float)b.Options.Epsilon));
                return (y, shape);
            }

            case CReluLayer:
            {
                string negated = Node("Neg", p + "neg", [x]);
                string positive = Node("Relu", p + "relu_pos", [x]);
                string negative = Node("Relu", p + "relu_neg", [negated]);
                string y = Node("Concat", p + "crelu", [positive, negative], AttributeProto.Of("axis", 1L));
                long[] doubled = (long[])shape.Clone();
                doubled[0] *= 2;
                return (y, doubled);
            }

            case ReluLayer:
                return (Node("Relu", p + "relu", [x]), shape);

            case MaxPoolLayer m:
            {
                int stride = m.Stride > 0 ? m.Stride : m.KernelSize;
                string y = Node("MaxPool", p + "max_pool", [x],
                    AttributeProto.Of("kernel_shape", [(long)m.KernelSize, m.KernelSize]),
                    AttributeProto.Of("strides", [(long)stride, stride]));
                return (y, [shape[0], ((shape[1] - m.KernelSize) / stride) + 1, ((shape[2] - m.KernelSize) / stride) + 1]);
            }

            case FlattenLayer:
                // (N, C, H, W) → (N, C·H·W) row-major, exactly the engine's flatten(1).
                return (Node("Flatten", p + "flatten", [x], AttributeProto.Of("axis", 1L)), [shape.Aggregate(1L, (a, d) => a * d)]);

            case DenseLayer d:
            {
                var inputs = new List<string> { x, Use(p + "weight") };
                if (d.UseBias)
                {
                    inputs.Add(Use(p + "bias"));
                }

                // The engine's weight is (out, in), PyTorch's layout: Gemm transposes it.
                string y = Node("Gemm", p + "dense", inputs, AttributeProto.Of("transB", 1L));
                return (y, [d.Units]);
            }

            case DropoutLayer:
                return (x, shape); // Inference keeps every value.

            default:
                throw new NotSupportedException($"layer {i} is a {layer.GetType().Name}, which has no ONNX translation.");
        }
    }

    /// <summary>
    /// Batch norm, CReLU and an optional max pool after them, as Concat(BN(x), BN⁻(x)) → [MaxPool] → Relu, where
    /// BN⁻ is the same batch norm with its scale and shift negated: it computes -BN(x) exactly (x·a + b with a
    /// and b negated), so no Neg node is needed, and pooling before the Relu is exact (Relu is monotone) and
    /// runs it on a quarter of the values. ONNX Runtime keeps such a graph in its blocked (NCHWc) layout from
    /// convolution to pooling; a Neg node made it reorder the tensor to plain layout and back at every CReLU.
    /// </summary>
    private (string Output, long[] Shape) BatchNormCRelu(int i, BatchNormLayer b, MaxPoolLayer? pool, string x, long[] shape)
    {
        string p = $"{i}.";
        var (y, _) = Layer(i, b, x, shape);
        int channels = (int)shape[0];
        float[] scale = b.Options.Scale ? _network.ReadTensor(p + "weight") : Enumerable.Repeat(1f, channels).ToArray();
        float[] shift = b.Options.Center ? _network.ReadTensor(p + "bias") : new float[channels];
        string negatedScale = AddConstant(p + "scale_negated", [channels], scale.Select(v => -v).ToArray());
        string negatedShift = AddConstant(p + "bias_negated", [channels], shift.Select(v => -v).ToArray());
        string negated = Node("BatchNormalization", p + "batch_norm_negated", [x, negatedScale, negatedShift, Use(p + "running_mean"), Use(p + "running_var")],
            AttributeProto.Of("epsilon", (float)b.Options.Epsilon));
        string crelu = $"{i + 1}.";
        string both = Node("Concat", crelu + "concat", [y, negated], AttributeProto.Of("axis", 1L));
        long[] doubled = (long[])shape.Clone();
        doubled[0] *= 2;
        if (pool is not null)
        {
            (both, doubled) = Layer(i + 2, pool, both, doubled);
        }

        return (Node("Relu", crelu + "relu", [both]), doubled);
    }

    private void AddSlotNames(string scoreName, IReadOnlyList<string> labels)
    {
        // The convention ML.NET's ONNX transformer reads: the node's name says which output the names
        // belong to, its keys_strings are the names; its input and output only exist to make a valid node.
        string key = AddStringConstant($"mlnet.{scoreName}.SlotNames.input", labels[0]);
        string output = $"mlnet.{scoreName}.unusedOutput";
        var node = NodeOf("LabelEncoder", [key], output,
            AttributeProto.Of("keys_strings", labels),
            AttributeProto.Of("values_int64s", Enumerable.Range(0, labels.Count).Select(v => (long)v)),
            AttributeProto.Of("default_int64", -1L));
        node.Name = $"mlnet.{scoreName}.SlotNames";
        node.Domain = OnnxNetworkWriter.MlDomain;
        _graph.Nodes.Add(node);
        _graph.Outputs.Add(ValueInfoProto.Tensor(output, TensorProto.Int64Type, 1));
    }

    private string Use(string tensorName)
    {
        if (!_tensors.TryGetValue(tensorName, out var info))
        {
            throw new InvalidOperationException($"the network has no tensor '{tensorName}' that its spec implies.");
        }

        if (_used.Add(tensorName))
        {
            _graph.Initializers.Add(TensorProto.FromFloats(tensorName, info.Shape, _network.ReadTensor(tensorName)));
        }

        return tensorName;
    }

    private string AddConstant(string name, long[] dims, float[] values)
    {
        _graph.Initializers.Add(TensorProto.FromFloats(name, dims, values));
        return name;
    }

    private string AddConstant(string name, long[] dims, long[] values)
    {
        _graph.Initializers.Add(TensorProto.FromInt64s(name, dims, values));
        return name;
    }

    private string AddStringConstant(string name, string value)
    {
        _graph.Initializers.Add(TensorProto.FromStrings(name, [1], [value]));
        return name;
    }

    private string Node(string opType, string output, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        _graph.Nodes.Add(NodeOf(opType, inputs, output, attributes));
        return output;
    }

    private static NodeProto NodeOf(string opType, IEnumerable<string> inputs, string output, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = opType, Name = output };
        node.Inputs.AddRange(inputs);
        node.Outputs.Add(output);
        node.Attributes.AddRange(attributes);
        return node;
    }

    private static long CeilDiv(long a, long b) => (a + b - 1) / b;
}
