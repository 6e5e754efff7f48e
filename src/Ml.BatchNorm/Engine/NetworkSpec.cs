using System.Text.Json;
using System.Text.Json.Serialization;
using Ml.BatchNorm.Interop;

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

    internal LayerSpecNative[] ToNative()
    {
        var result = new LayerSpecNative[Layers.Count];
        for (int i = 0; i < Layers.Count; i++)
        {
            result[i] = Layers[i] switch
            {
                ConvolutionLayer c => new LayerSpecNative { Kind = (int)NativeLayerKind.Convolution, Units = c.Filters, Kernel = c.KernelSize, Stride = c.Stride, SamePadding = c.SamePadding ? 1 : 0, Bias = c.UseBias ? 1 : 0, InitStd = c.InitStd },
                BatchNormLayer b => BatchNormNative(b.Options),
                CReluLayer => new LayerSpecNative { Kind = (int)NativeLayerKind.CRelu },
                ReluLayer => new LayerSpecNative { Kind = (int)NativeLayerKind.Relu },
                MaxPoolLayer p => new LayerSpecNative { Kind = (int)NativeLayerKind.MaxPool, Kernel = p.KernelSize, Stride = p.Stride },
                FlattenLayer => new LayerSpecNative { Kind = (int)NativeLayerKind.Flatten },
                DenseLayer d => new LayerSpecNative { Kind = (int)NativeLayerKind.Dense, Units = d.Units, Bias = d.UseBias ? 1 : 0, InitStd = d.InitStd },
                DropoutLayer d => new LayerSpecNative { Kind = (int)NativeLayerKind.Dropout, KeepProbability = d.KeepProbability },
                _ => throw new ArgumentException($"layer {i} has an unsupported type {Layers[i].GetType().Name}"),
            };
        }

        return result;
    }

    private static LayerSpecNative BatchNormNative(BatchNormOptions o) => new()
    {
        Kind = (int)NativeLayerKind.BatchNorm,
        Center = o.Center ? 1 : 0,
        Scale = o.Scale ? 1 : 0,
        Decay = o.MovingAverageDecay,
        Epsilon = o.Epsilon,
        MovingStatistics = (int)o.MovingStatistics,
        Renorm = o.Renorm ? 1 : 0,
        GhostBatchSize = o.GhostBatchSize,
        RenormWarmUpSteps = o.RenormWarmUpSteps,
        GammaInit = o.GammaInitialValue,
        BetaInit = o.BetaInitialValue,
        MovingMeanInit = o.MovingMeanInitialValue,
        MovingVarianceInit = o.MovingVarianceInitialValue,
        GammaL2 = o.GammaL2,
        BetaL2 = o.BetaL2,
        RenormMaxR = o.RenormMaxR,
        RenormMaxD = o.RenormMaxD,
        RenormDecay = o.RenormMovingAverageDecay,
    };
}
