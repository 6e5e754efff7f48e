using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Engine;

/// <summary>Mean cross-entropy and accuracy of a network over the first rows of a dataset, in inference mode.</summary>
internal readonly record struct DatasetLoss(double MeanLoss, double Accuracy, int Rows)
{
    private const int BatchRows = 1000;

    public static DatasetLoss Compute(Network network, ImageDataset data, int rows)
    {
        rows = Math.Min(rows, data.Count);
        if (rows == 0)
        {
            return new DatasetLoss(double.NaN, double.NaN, 0);
        }

        var batches = InOrderBatches(rows < data.Count ? data.Take(rows) : data, BatchRows);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, data.PixelsPerImage);
        double lossSum = 0;
        long correct = 0;
        for (int batch = 0; batch < batches.BatchesPerEpoch; batch++)
        {
            int count = batches.Fill(batch, buffer);
            (double l, long c) = network.Evaluate(buffer.Images, buffer.Labels, count);
            lossSum += l;
            correct += c;
        }

        return new DatasetLoss(lossSum / rows, (double)correct / rows, rows);
    }

    /// <summary>Every row once, in dataset order, in batches of at most <paramref name="batchRows"/>: for scoring and evaluation.</summary>
    internal static MiniBatchSequence InOrderBatches(ImageDataset data, int batchRows) =>
        new(data, Math.Min(batchRows, data.Count), seed: 0, shuffle: false, LastBatchPolicy.Keep);
}
