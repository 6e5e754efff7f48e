using Microsoft.ML.Data;

namespace Ml.BatchNorm.Bench;

/// <summary>The prediction engine's input row for single-image latency: the IDX loaders' columns.</summary>
internal sealed class ImageRow
{
    public uint Label { get; set; }

    [VectorType(784)]
    public float[] Features { get; set; } = new float[784];
}

/// <summary>The prediction engine's output row: the probabilities.</summary>
internal sealed class ScoreRow
{
    public float[] Score { get; set; } = [];
}
