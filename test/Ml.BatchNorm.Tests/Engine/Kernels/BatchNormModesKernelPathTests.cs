using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Kernels;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>
/// Every batch-norm mode trains alike on both kernel paths (the default one through the fused batch-norm
/// kernels and channels-last convolutions, the others through libtorch's operators): 12 steps of model1 on real Fashion-MNIST
/// batches (batch 16, seed 1), the same weights, batches and dropout on both. The paths differ only in
/// float32 rounding, so the first step's loss agrees to 1e-4 and the mean loss over the steps to 2%.
/// </summary>
[TestClass]
public sealed class BatchNormModesKernelPathTests
{
    private const int Steps = 12;
    private const int BatchSize = 16;

    public static IEnumerable<object[]> Modes =>
    [
        ["default (fused batch norm, channels-last convolutions)", new BatchNormOptions(), BatchNormFineTuning.Full],
        ["renorm", new BatchNormOptions { Renorm = true, RenormWarmUpSteps = 5 }, BatchNormFineTuning.Full],
        ["ghost batches of 8", new BatchNormOptions { GhostBatchSize = 8 }, BatchNormFineTuning.Full],
        ["cumulative average", new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage }, BatchNormFineTuning.Full],
        ["statistics frozen", new BatchNormOptions(), BatchNormFineTuning.StatisticsFrozen],
    ];

    [TestMethod]
    [DynamicData(nameof(Modes))]
    public void TrainsAlikeOnBothPaths(string mode, BatchNormOptions batchNorm, BatchNormFineTuning fineTuning)
    {
        var data = FashionMnist.Train.Take(Steps * BatchSize);
        var plain = Losses(KernelPath.Plain, data, batchNorm, fineTuning);
        var fused = Losses(KernelPath.Fused, data, batchNorm, fineTuning);
        Assert.IsLessThan(1e-4, Math.Abs(fused[0] - plain[0]) / plain[0], $"{mode}: first-step loss {fused[0]} vs {plain[0]}");
        double fusedMean = fused.Average(l => (double)l), plainMean = plain.Average(l => (double)l);
        Assert.IsLessThan(0.02, Math.Abs(fusedMean - plainMean) / plainMean, $"{mode}: mean loss {fusedMean:F4} vs {plainMean:F4}");
    }

    private static float[] Losses(KernelPath path, ImageDataset data, BatchNormOptions batchNorm, BatchNormFineTuning fineTuning)
    {
        using var network = new Network(SeedNetworks.Model1(batchNorm), seed: 1);
        network.SetOptimizer(new TrainingOptions { KernelPath = path });
        if (fineTuning != BatchNormFineTuning.Full)
        {
            network.SetBatchNormFineTuning(fineTuning);
        }

        var batches = new MiniBatchSequence(data, BatchSize, seed: 1);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, batches.PixelsPerImage);
        var losses = new float[Steps];
        for (int step = 0; step < Steps; step++)
        {
            int rows = batches.Fill(step, buffer);
            losses[step] = network.TrainStep(buffer.Images, buffer.Labels, rows, 0.002, (ulong)step).Loss;
        }

        return losses;
    }
}
