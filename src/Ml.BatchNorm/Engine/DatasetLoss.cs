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

        using var buffer = new MiniBatchBuffer(Math.Min(BatchRows, rows), data.PixelsPerImage);
        double lossSum = 0;
        long correct = 0;
        for (int start = 0; start < rows; start += BatchRows)
        {
            int count = Math.Min(BatchRows, rows - start);
            for (int i = 0; i < count; i++)
            {
                data.CopyImage(start + i, buffer.ImageRow(i));
                buffer.Labels[i] = data.GetLabel(start + i);
            }

            (double l, long c) = network.Evaluate(buffer.Images, buffer.Labels, count);
            lossSum += l;
            correct += c;
        }

        return new DatasetLoss(lossSum / rows, (double)correct / rows, rows);
    }
}
