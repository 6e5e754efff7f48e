using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// Saves and loads a <see cref="TrainedNetwork"/> as one file: a zip holding a JSON manifest
/// (network spec, label names, input shape, training summary, checksums) and the weights and
/// moving statistics in safetensors layout, which PyTorch users can load directly.
/// </summary>
public static class ModelFile
{
    /// <summary>The manifest's format tag.</summary>
    public const string Format = "mlbn-model";

    /// <summary>The newest format version this build writes and reads.</summary>
    public const int FormatVersion = 1;

    internal const string WeightsEntry = "weights.safetensors";

    /// <summary>Writes the model atomically: an existing file at <paramref name="path"/> is replaced only once the new one is complete.</summary>
    public static void Save(TrainedNetwork model, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var tensors = NetworkTensors.Export(model.Network, TensorRole.Parameter, TensorRole.Statistic);
        using var payload = new MemoryStream();
        SafeTensorsFormat.Write(payload, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        var spec = model.Network.Spec;
        var body = new JsonObject
        {
            ["network"] = JsonNode.Parse(spec.ToJson()),
            ["labelNames"] = new JsonArray(model.LabelNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["input"] = new JsonObject { ["channels"] = spec.Channels, ["height"] = spec.Height, ["width"] = spec.Width, ["pixelScale"] = "pixel/255" },
            ["training"] = model.Summary is null ? null : JsonSerializer.SerializeToNode(model.Summary),
        };
        ModelArchive.Write(path, Format, FormatVersion, body, new Dictionary<string, byte[]> { [WeightsEntry] = payload.ToArray() });
    }

    /// <summary>
    /// Whether <paramref name="path"/> is a file in this format (by its manifest's tag; nothing else is verified: a
    /// file that says so may still fail to load). Pipeline model files answer false.
    /// </summary>
    public static bool IsModelFile(string path) => File.Exists(path) && ModelArchive.PeekFormat(path) == Format;

    /// <summary>Loads a model written by <see cref="Save"/> onto <paramref name="device"/>; throws <see cref="ModelFileException"/> for files it cannot use.</summary>
    public static TrainedNetwork Load(string path, string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var archive = ModelArchive.Read(path, Format, FormatVersion);
        NetworkSpec spec;
        string[] labelNames;
        TrainingSummary? summary;
        try
        {
            spec = NetworkSpec.FromJson(archive.Body["network"]?.ToJsonString() ?? throw new JsonException("no network"));
            labelNames = archive.Body["labelNames"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? throw new JsonException("no labelNames");
            summary = archive.Body["training"] is JsonNode t ? t.Deserialize<TrainingSummary>() : null;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or NullReferenceException or FormatException)
        {
            throw new ModelFileException(path, $"the manifest does not describe a network ({e.Message}).", e);
        }

        var network = new Network(spec, seed: 0, device);
        try
        {
            using var stream = new MemoryStream(archive.ReadEntry(WeightsEntry));
            var tensors = SafeTensorsFormat.Read(stream, $"{path}:{WeightsEntry}").Tensors;
            NetworkTensors.Import(network, tensors, path, TensorRole.Parameter, TensorRole.Statistic);
            return new TrainedNetwork(network, labelNames, summary);
        }
        catch (InvalidDataException e)
        {
            network.Dispose();
            throw new ModelFileException(path, e.Message, e);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }
}
