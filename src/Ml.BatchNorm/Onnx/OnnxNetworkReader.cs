using System.Globalization;
using System.Text.Json;
using Google.Protobuf;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;
using Ml.BatchNorm.Onnx.Proto;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// Reads back a model written by <see cref="OnnxNetworkWriter"/>, from an .onnx file or from an ML.NET
/// model file (zip) that holds one: the metadata, and the network with every weight and statistic.
/// Every failure is a <see cref="ModelFileException"/> naming the file: not an ONNX or ML.NET model,
/// truncated or damaged, an ONNX model not written by this library, a newer format version, or
/// tensors that do not fit the spec.
/// </summary>
public static class OnnxNetworkReader
{
    /// <summary>Reads the model at <paramref name="path"/> and rebuilds its network on <paramref name="device"/>.</summary>
    public static OnnxNetworkModel Read(string path, string device = "cpu") =>
        Read(ReadOnnxBytes(path), path, device);

    /// <summary>Rebuilds the network from serialized ONNX bytes; <paramref name="source"/> names them in errors.</summary>
    public static OnnxNetworkModel Read(byte[] onnx, string source, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var model = Parse(onnx, source);
        var info = Info(model, source);
        var tensors = model.Graph!.Initializers
            .Where(t => t.DataType == TensorProto.FloatType)
            .Select(t => (t.Name, Shape: (IReadOnlyList<long>)t.Dims, Values: t.Floats))
            .ToList();
        if (Metadata(model, OnnxMetadataKeys.ExtraTensors) is string extra)
        {
            try
            {
                tensors.AddRange(ExtraTensorsJson.Read(extra).Select(t => (t.Name, t.Shape, t.Values)));
            }
            catch (Exception e) when (e is JsonException or FormatException or ArgumentException)
            {
                throw new ModelFileException(source, $"metadata '{OnnxMetadataKeys.ExtraTensors}' is damaged: {e.Message}", e);
            }
        }

        Network network;
        try
        {
            network = new Network(info.Spec, device: device);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            throw new ModelFileException(source, $"its network spec does not build a network: {e.Message}", e);
        }

        try
        {
            WriteTensors(network, tensors, source);
        }
        catch
        {
            network.Dispose();
            throw;
        }

        return new OnnxNetworkModel(info, network);
    }

    /// <summary>Reads only the metadata of the model at <paramref name="path"/> (no network is built).</summary>
    public static OnnxModelInfo ReadInfo(string path) => Info(Parse(ReadOnnxBytes(path), path), path);

    /// <summary>
    /// The ONNX bytes at <paramref name="path"/>: the file itself, or for an ML.NET model file (zip) the
    /// ONNX model it holds (the one written by this library when it holds several).
    /// </summary>
    public static byte[] ReadOnnxBytes(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, e is FileNotFoundException or DirectoryNotFoundException ? "the file does not exist." : e.Message, e);
        }

        if (!MlNetModelZip.IsZip(bytes))
        {
            return bytes;
        }

        var entries = MlNetModelZip.ReadOnnxEntries(bytes, path);
        foreach (var (_, onnx) in entries)
        {
            if (TryParse(onnx) is { } m && Metadata(m, OnnxMetadataKeys.Format) == OnnxMetadataKeys.FormatName)
            {
                return onnx;
            }
        }

        return entries[0].Onnx; // Parsed again by the caller, which then says what is wrong with it.
    }

    private static ModelProto Parse(byte[] onnx, string source)
    {
        if (onnx.Length == 0)
        {
            throw new ModelFileException(source, "the file is empty; expected an ONNX model or an ML.NET model file.");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parse(onnx);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            throw new ModelFileException(source, $"it is neither an ML.NET model file (zip) nor an ONNX model, or it is truncated ({e.Message}).", e);
        }

        if (model.Graph is null || model.IrVersion <= 0)
        {
            throw new ModelFileException(source, "it is neither an ML.NET model file (zip) nor an ONNX model (no ONNX graph or IR version).");
        }

        return model;
    }

    private static ModelProto? TryParse(byte[] onnx)
    {
        try
        {
            return ModelProto.Parse(onnx);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            return null;
        }
    }

    // Bytes that are not protobuf make the parser fail in several ways, all meaning "not an ONNX model".
    private static bool IsMalformed(Exception e) =>
        e is InvalidProtocolBufferException or InvalidOperationException or ArgumentException or OverflowException or IndexOutOfRangeException;

    private static OnnxModelInfo Info(ModelProto model, string source)
    {
        if (Metadata(model, OnnxMetadataKeys.Format) != OnnxMetadataKeys.FormatName)
        {
            throw new ModelFileException(source, $"it is an ONNX model, but not one written by Ml.BatchNorm: metadata '{OnnxMetadataKeys.Format}' = '{OnnxMetadataKeys.FormatName}' is missing.");
        }

        string versionText = Metadata(model, OnnxMetadataKeys.FormatVersion) ?? "";
        if (!int.TryParse(versionText, NumberStyles.None, CultureInfo.InvariantCulture, out int version) || version < 1)
        {
            throw new ModelFileException(source, $"metadata '{OnnxMetadataKeys.FormatVersion}' is '{versionText}'; expected a positive integer.");
        }

        if (version > OnnxMetadataKeys.CurrentFormatVersion)
        {
            throw new ModelFileException(source, $"it was written in format version {version} by a newer Ml.BatchNorm; this version reads up to {OnnxMetadataKeys.CurrentFormatVersion}. Update Ml.BatchNorm to load it.");
        }

        var spec = Json(source, model, OnnxMetadataKeys.NetworkSpec, NetworkSpec.FromJson, required: true)!;
        var labels = Json(source, model, OnnxMetadataKeys.LabelNames, j => JsonSerializer.Deserialize<string[]>(j), required: false);
        var names = Json(source, model, OnnxMetadataKeys.GraphNames, j => JsonSerializer.Deserialize<OnnxGraphNames>(j), required: true)!;
        return new OnnxModelInfo(source, version, spec, labels, Metadata(model, OnnxMetadataKeys.TrainingOptions), names);
    }

    private static T? Json<T>(string source, ModelProto model, string key, Func<string, T?> parse, bool required)
        where T : class
    {
        string? json = Metadata(model, key);
        if (json is null)
        {
            return required ? throw new ModelFileException(source, $"metadata '{key}' is missing.") : null;
        }

        try
        {
            return parse(json) ?? throw new JsonException("null");
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or ArgumentException)
        {
            throw new ModelFileException(source, $"metadata '{key}' is not valid: {e.Message}", e);
        }
    }

    private static string? Metadata(ModelProto model, string key) =>
        model.MetadataProps.LastOrDefault(p => p.Key == key)?.Value;

    private static void WriteTensors(Network network, List<(string Name, IReadOnlyList<long> Shape, float[] Values)> tensors, string source)
    {
        var byName = new Dictionary<string, (IReadOnlyList<long> Shape, float[] Values)>(StringComparer.Ordinal);
        foreach (var t in tensors)
        {
            byName[t.Name] = (t.Shape, t.Values);
        }

        foreach (var info in network.GetTensorInfos().Where(t => t.Role is TensorRole.Parameter or TensorRole.Statistic))
        {
            if (!byName.TryGetValue(info.Name, out var tensor))
            {
                throw new ModelFileException(source, $"tensor '{info.Name}' of the network is missing.");
            }

            if (!tensor.Shape.SequenceEqual(info.Shape) || tensor.Values.LongLength != info.ElementCount)
            {
                throw new ModelFileException(source, $"tensor '{info.Name}' has shape [{string.Join(", ", tensor.Shape)}] and {tensor.Values.Length} values; the network needs [{string.Join(", ", info.Shape)}].");
            }

            network.WriteTensor(info.Name, tensor.Values);
        }
    }
}
