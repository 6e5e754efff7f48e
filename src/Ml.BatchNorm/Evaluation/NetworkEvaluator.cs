using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Evaluation;

/// <summary>Scores a labelled dataset with a trained network, in inference mode and in batches, and computes the multiclass metrics.</summary>
public static class NetworkEvaluator
{
    /// <summary>Rows per scoring call.</summary>
    public const int DefaultBatchSize = 1000;

    /// <summary>Metrics of <paramref name="model"/> on <paramref name="data"/> (top-k accuracy for k = <paramref name="topKPredictionCount"/> when positive).</summary>
    public static MulticlassClassificationMetrics Evaluate(TrainedNetwork model, ImageDataset data, int topKPredictionCount = 0, int batchSize = DefaultBatchSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(batchSize, 0);
        if (data.PixelsPerImage != model.Network.InputSize)
        {
            throw new ArgumentException($"{data.Source} holds {data.Height}x{data.Width} images; the model expects {model.Network.Spec.Height}x{model.Network.Spec.Width}.", nameof(data));
        }

        if (data.ClassCount > model.LabelNames.Count)
        {
            throw new ArgumentException($"{data.Source} has {data.ClassCount} classes; the model knows {model.LabelNames.Count}.", nameof(data));
        }

        int classes = model.Network.OutputSize;
        var accumulator = new MulticlassMetricsAccumulator(classes, model.LabelNames, topKPredictionCount);
        var batches = DatasetLoss.InOrderBatches(data, batchSize);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, data.PixelsPerImage);
        var scores = new float[batches.MaxBatchSize * classes];
        for (int batch = 0; batch < batches.BatchesPerEpoch; batch++)
        {
            int count = batches.Fill(batch, buffer);
            model.Network.Score(buffer.Images, count, scores);
            accumulator.AddBatch(buffer.Labels.AsSpan(0, count), scores.AsSpan(0, count * classes));
        }

        return accumulator.Compute();
    }
}
