using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>The input class of the prediction-engine tests: what a user would write.</summary>
public sealed class MyInput
{
    public uint Label { get; set; }

    [VectorType(784)]
    public float[] Image { get; set; } = [];
}

/// <summary>The output class after MapKeyToValue("PredictedLabel"): the original label value and the probabilities.</summary>
public sealed class MyOutput
{
    public uint PredictedLabel { get; set; }

    public float[] Score { get; set; } = [];
}

/// <summary>An output class that names its members with [ColumnName].</summary>
public sealed class RenamedOutput
{
    [ColumnName("PredictedLabel")]
    public uint Predicted;

    [ColumnName("Score")]
    public float[] Probabilities = [];
}
