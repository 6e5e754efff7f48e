using System.Text.Json.Nodes;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// A checkpoint holds everything an exact resume needs: weights, moving statistics, optimizer state
/// and the step. The schedule position, data order and dropout masks are functions of the step and
/// the seed, so the step restores them too. The options' fingerprint guards against resuming a
/// different run.
/// </summary>
internal static class TrainingCheckpoint
{
    public const string Format = "mlbn-checkpoint";
    public const int FormatVersion = 1;
    private const string TensorsEntry = "state.safetensors";

    private static readonly Dictionary<string, string> LaterOptionDefaults = new(StringComparer.Ordinal)
    {
        [nameof(TrainingOptions.FineTuning)] = nameof(BatchNormFineTuning.Full),
    };

    public static void Save(string path, Network network, long step, IReadOnlyDictionary<string, string> fingerprint)
    {
        var tensors = NetworkTensors.Export(network, TensorRole.Parameter, TensorRole.Statistic, TensorRole.Optimizer);
        using var payload = new MemoryStream();
        SafeTensorsFormat.Write(payload, tensors);
        var options = new JsonObject();
        foreach (var (key, value) in fingerprint)
        {
            options[key] = value;
        }

        var body = new JsonObject
        {
            ["step"] = step,
            ["network"] = JsonNode.Parse(network.Spec.ToJson()),
            ["options"] = options,
        };
        ModelArchive.Write(path, Format, FormatVersion, body, new Dictionary<string, byte[]> { [TensorsEntry] = payload.ToArray() });
    }

    /// <summary>Loads the checkpoint into <paramref name="network"/> and returns its step.</summary>
    public static long Restore(string path, Network network, IReadOnlyDictionary<string, string> fingerprint)
    {
        var archive = ModelArchive.Read(path, Format, FormatVersion);
        var body = archive.Body;
        // Read back and rewritten, so that a spec saved before options were added (and so lacking them,
        // which means their defaults) compares equal to the same spec written today.
        string savedSpec = body["network"] is JsonNode saved ? NetworkSpec.FromJson(saved.ToJsonString()).ToJson() : "";
        if (savedSpec != network.Spec.ToJson())
        {
            throw new InvalidOperationException($"checkpoint {path} was written for a different network; pass restart (--restart) to start over.");
        }

        var savedOptions = body["options"]?.AsObject() ?? throw new InvalidDataException($"{path}: the checkpoint lists no training options.");
        var differing = new List<string>();
        foreach (var (key, value) in fingerprint)
        {
            // An option added after the checkpoint was written is absent from it: it ran with the default.
            string? old = savedOptions[key]?.GetValue<string>() ?? (LaterOptionDefaults.TryGetValue(key, out var d) ? d : null);
            if (old != value)
            {
                differing.Add($"{key} (checkpoint: {(string.IsNullOrEmpty(old) ? "unset" : old)}, now: {(value.Length == 0 ? "unset" : value)})");
            }
        }

        if (differing.Count > 0)
        {
            throw new InvalidOperationException($"checkpoint {path} was written with different training options: {string.Join("; ", differing)}. Use the same options to resume, or pass restart (--restart) to start over.");
        }

        using var stream = new MemoryStream(archive.ReadEntry(TensorsEntry));
        var tensors = SafeTensorsFormat.Read(stream, $"{path}:{TensorsEntry}").Tensors;
        NetworkTensors.Import(network, tensors, path, TensorRole.Parameter, TensorRole.Statistic, TensorRole.Optimizer);
        return body["step"]?.GetValue<long>() ?? throw new InvalidDataException($"{path}: the checkpoint has no step.");
    }

}
