namespace Ml.BatchNorm.Diagnostics;

/// <summary>The outcome of a <see cref="BatchNormGapCheck"/>.</summary>
/// <param name="BatchStatisticsAccuracy">Accuracy normalizing with each batch's own statistics (training mode, dropout off).</param>
/// <param name="InferenceAccuracy">Accuracy in inference mode (moving statistics), as the network scores.</param>
/// <param name="Rows">Rows compared (whole batches only).</param>
/// <param name="BatchSize">Rows per batch of the batch-statistics pass.</param>
/// <param name="ThresholdPoints">The gap, in percentage points, above which <paramref name="Finding"/> is set.</param>
/// <param name="Finding">The <see cref="DiagnosticCodes.TrainInferenceGap"/> warning, or null when the gap is within the threshold.</param>
public sealed record BatchNormGapResult(double BatchStatisticsAccuracy, double InferenceAccuracy, int Rows, int BatchSize, double ThresholdPoints, BatchNormFinding? Finding)
{
    /// <summary>Batch-statistics accuracy minus inference accuracy, in percentage points.</summary>
    public double GapPoints => (BatchStatisticsAccuracy - InferenceAccuracy) * 100;
}
