using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;
using Ml.BatchNorm.Onnx.Proto;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// Writes a network as an ONNX model: the inference graph (see <see cref="OnnxNetworkOptions"/> for its
/// inputs and outputs; batch norms stay BatchNormalization nodes over the moving statistics, a batch
/// norm before CReLU beside its negated twin, see <see cref="OnnxGraphBuilder"/>), every weight and statistic under the
/// engine's tensor names, and in metadata_props the network spec, the training options, the class
/// names and the format version (<see cref="OnnxMetadataKeys"/>). <see cref="OnnxNetworkReader"/> reads it back.
/// </summary>
public static class OnnxNetworkWriter
{
    /// <summary>The standard operator set version the graph uses (13: Softmax over one axis, Gemm with an optional bias).</summary>
    public const int StandardOpset = 13;

    /// <summary>The ai.onnx.ml operator set version of the slot-name node (2: LabelEncoder with keys_strings).</summary>
    public const int MlOpset = 2;

    /// <summary>The ONNX IR version written (7, the one that goes with opset 13).</summary>
    public const int IrVersion = 7;

    internal const string MlDomain = "ai.onnx.ml";

    /// <summary>The serialized ONNX model.</summary>
    /// <exception cref="ArgumentException">An option is invalid for this network; the message names it.</exception>
    public static byte[] ToBytes(Network network, OnnxNetworkOptions? options = null) =>
        Build(network, options ?? new OnnxNetworkOptions()).ToByteArray();

    /// <summary>Writes the model to <paramref name="destination"/>.</summary>
    public static void Write(Network network, Stream destination, OnnxNetworkOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(destination);
        destination.Write(ToBytes(network, options));
    }

    /// <summary>
    /// Writes the model to <paramref name="path"/> atomically: the file is either the previous one or the
    /// complete new model, never a partial file.
    /// </summary>
    public static void Write(Network network, string path, OnnxNetworkOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes = ToBytes(network, options);
        AtomicFile.Write(path, stream => stream.Write(bytes));
    }

    internal static ModelProto Build(Network network, OnnxNetworkOptions options)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(network.OutputSize);
        var (graph, unused) = OnnxGraphBuilder.Build(network, options);
        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Ml.BatchNorm",
            ProducerVersion = typeof(OnnxNetworkWriter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "",
            Domain = "ml.batchnorm",
            ModelVersion = OnnxMetadataKeys.CurrentFormatVersion,
            Graph = graph,
        };
        model.OpsetImports.Add(new OperatorSetIdProto("", StandardOpset));
        if (graph.Nodes.Any(n => n.Domain == MlDomain))
        {
            model.OpsetImports.Add(new OperatorSetIdProto(MlDomain, MlOpset));
        }

        void Meta(string key, string? value)
        {
            if (value is not null)
            {
                model.MetadataProps.Add(new StringStringEntryProto(key, value));
            }
        }

        Meta(OnnxMetadataKeys.Format, OnnxMetadataKeys.FormatName);
        Meta(OnnxMetadataKeys.FormatVersion, OnnxMetadataKeys.CurrentFormatVersion.ToString(CultureInfo.InvariantCulture));
        Meta(OnnxMetadataKeys.NetworkSpec, network.Spec.ToJson());
        Meta(OnnxMetadataKeys.TrainingOptions, options.TrainingOptionsJson);
        Meta(OnnxMetadataKeys.LabelNames, options.LabelNames is null ? null : JsonSerializer.Serialize(options.LabelNames));
        Meta(OnnxMetadataKeys.GraphNames, JsonSerializer.Serialize(new OnnxGraphNames(options.InputName, options.ScoreName, options.PredictedIndexName)));
        if (unused.Count > 0)
        {
            Meta(OnnxMetadataKeys.ExtraTensors, ExtraTensorsJson.Write(unused.Select(t => new TensorData(t.Name, t.Shape, network.ReadTensor(t.Name)))));
        }

        return model;
    }
}
