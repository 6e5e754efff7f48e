using System.Text.Json;
using System.Text.Json.Serialization;


namespace Ml.BatchNorm.Engine;

/// <summary>A declarative network: the input shape and its layers in order.</summary>
/// <param name="Channels">Input channels (1 for grey images).</param>
/// <param name="Height">Input height in pixels.</param>
/// <param name="Width">Input width in pixels.</param>
/// <param name="Layers">The layers, input to output.</param>
public sealed record NetworkSpec(int Channels, int Height, int Width, IReadOnlyList<LayerSpec> Layers)
{
    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = false,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>Whether any layer is a batch-normalization layer.</summary>
    public bool HasBatchNorm => Layers.Any(l => l is BatchNormLayer);

    /// <summary>Checks option values that do not need the engine (shape errors are found when the network is built).</summary>
    public void Validate()
    {
        if (Channels <= 0 || Height <= 0 || Width <= 0)
        {
            throw new ArgumentException($"{nameof(NetworkSpec)} input shape must be positive; got {Channels}x{Height}x{Width}.");
        }

        if (Layers.Count == 0)
        {
            throw new ArgumentException($"{nameof(NetworkSpec)}.{nameof(Layers)} is empty.");
        }

        foreach (var layer in Layers)
        {
            if (layer is BatchNormLayer bn)
            {
                bn.Options.Validate();
            }
        }
    }

    /// <summary>The spec as JSON (stored in model files and checkpoints).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads a spec written by <see cref="ToJson"/>.</summary>
    public static NetworkSpec FromJson(string json) =>
        JsonSerializer.Deserialize<NetworkSpec>(json, JsonOptions) ?? throw new JsonException("network spec is null");
}
