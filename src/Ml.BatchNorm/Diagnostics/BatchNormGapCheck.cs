using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// The "great in training, collapses at test" check: accuracy on held-out data normalizing with batch
/// statistics (as in training) against accuracy in inference mode (moving statistics). A large gap
/// means the moving statistics do not describe the data the layers see.
/// </summary>
/// <remarks>
/// The batch-statistics pass runs in training mode on a copy of the network with dropout off (keep
/// probability 1), so the caller's moving statistics are never touched and dropout's noise does not
/// blur the comparison: the two passes differ only in which statistics normalize. Batch statistics
/// depend on the batch, so the pass uses the training batch size and whole batches in data order.
/// Only a gap in favour of batch statistics is reported; inference being better is not a BN problem.
/// </remarks>
public static class BatchNormGapCheck
{
    /// <summary>The default threshold: 5 percentage points.</summary>
    public const double DefaultThresholdPoints = 5;

    /// <summary>
    /// Compares the two accuracies on the first <paramref name="rows"/> rows of <paramref name="heldOut"/>
    /// (rounded down to whole batches of <paramref name="batchSize"/>; one batch of all rows when fewer).
    /// </summary>
    public static BatchNormGapResult Run(Network network, ImageDataset heldOut, int batchSize, int rows = 2000, double thresholdPoints = DefaultThresholdPoints)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        rows = Math.Min(rows, heldOut.Count);
        if (rows < 2)
        {
            throw new ArgumentException($"{heldOut.Source} holds {heldOut.Count} rows; the gap check needs at least two.", nameof(heldOut));
        }

        batchSize = Math.Min(batchSize, rows);
        rows -= rows % batchSize;
        var data = heldOut.Take(rows);
        var sequence = new MiniBatchSequence(data, batchSize, seed: 0, shuffle: false, LastBatchPolicy.Drop);
        using var buffer = new MiniBatchBuffer(batchSize, data.PixelsPerImage);
        using var twin = NetworkCopy.Create(network, NetworkCopy.WithoutDropout(network.Spec), freshMovingStatistics: true);
        var logits = new float[batchSize * twin.OutputSize];
        long batchCorrect = 0, inferenceCorrect = 0;
        for (int b = 0; b < sequence.BatchesPerEpoch; b++)
        {
            int n = sequence.Fill(b, buffer);
            twin.Forward(buffer.Images, n, training: true, step: 0, logits);
            for (int r = 0; r < n; r++)
            {
                var row = logits.AsSpan(r * twin.OutputSize, twin.OutputSize);
                if (ArgMax(row) == buffer.Labels[r])
                {
                    batchCorrect++;
                }
            }

            inferenceCorrect += network.Evaluate(buffer.Images, buffer.Labels, n).Correct;
        }

        double batchAccuracy = (double)batchCorrect / rows;
        double inferenceAccuracy = (double)inferenceCorrect / rows;
        double gap = (batchAccuracy - inferenceAccuracy) * 100;
        BatchNormFinding? finding = null;
        if (network.Spec.HasBatchNorm && gap > thresholdPoints)
        {
            double maxDecay = network.Spec.Layers.OfType<BatchNormLayer>().Max(l => l.Options.MovingAverageDecay);
            finding = new BatchNormFinding(
                DiagnosticCodes.TrainInferenceGap,
                DiagnosticSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture,
                    $"on {rows} held-out rows ({heldOut.Source}) accuracy is {batchAccuracy:P1} with batch statistics but {inferenceAccuracy:P1} in inference mode: a gap of {gap:0.#} points (threshold {thresholdPoints}). The moving statistics do not describe the data the layers see."),
                string.Create(CultureInfo.InvariantCulture,
                    $"Recalibrate the moving statistics from training data (mlbn recalibrate), or lower the decay (now {maxDecay}, horizon {BatchNormHorizon.Horizon(maxDecay):0} steps) so the averages follow the weights."));
        }

        return new BatchNormGapResult(batchAccuracy, inferenceAccuracy, rows, batchSize, thresholdPoints, finding);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }

        return best;
    }
}
