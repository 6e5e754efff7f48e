using System.Diagnostics;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Long runs hold no growing native memory or live tensors, and concurrent trainings do not disturb each other.</summary>
[TestClass]
public sealed class TrainingResourceTests
{
    // A small batch-normalized network, so that 2,000 steps take seconds.
    private static NetworkSpec Small() => new(1, 28, 28,
    [
        new ConvolutionLayer(4, 5, Stride: 2), new BatchNormLayer(new BatchNormOptions()), new CReluLayer(), new MaxPoolLayer(2),
        new FlattenLayer(), new DenseLayer(32, UseBias: false), new BatchNormLayer(new BatchNormOptions()), new CReluLayer(),
        new DropoutLayer(0.7), new DenseLayer(10),
    ]);

    [TestMethod]
    public void TwoThousandStepsKeepResidentMemoryAndLiveTensorsFlat()
    {
        var data = FashionMnist.Train.Take(1024);
        using var network = new Network(Small(), seed: 5);
        network.SetOptimizer(new TrainingOptions());
        var sequence = new Ml.BatchNorm.Data.MiniBatchSequence(data, 16, seed: 5, shuffle: true, Ml.BatchNorm.Data.LastBatchPolicy.Drop);
        using var buffer = new Ml.BatchNorm.Data.MiniBatchBuffer(sequence.MaxBatchSize, sequence.PixelsPerImage);
        void Steps(long from, long to)
        {
            for (long step = from; step < to; step++)
            {
                int rows = sequence.Fill(step, buffer);
                network.TrainStep(buffer.Images, buffer.Labels, rows, 1e-3, (ulong)step);
            }
        }

        // Warm-up: allocator pools, optimizer state, first-use caches.
        Steps(0, 200);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long tensorsBefore = TorchSharp.torch.Tensor.TotalCount;
        long rssBefore = Rss();
        Steps(200, 2000);
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long tensorsAfter = TorchSharp.torch.Tensor.TotalCount;
        long rssAfter = Rss();

        Assert.AreEqual(tensorsBefore, tensorsAfter, "live TorchSharp tensors after 1,800 more steps");
        Assert.IsLessThan(32L << 20, rssAfter - rssBefore, $"resident memory grew from {rssBefore >> 20} MB to {rssAfter >> 20} MB");
    }

    [TestMethod]
    public void TwoTrainingsOnTwoThreadsGiveTheWeightsOfOneAtATime()
    {
        var data = FashionMnist.Train.Take(512);
        var options = new TrainingOptions { Iterations = 30, BatchSize = 32, EvaluateEvery = 0, Threads = 1 };
        var first = new Trainer(Small(), options);
        var second = new Trainer(Small(), options with { Seed = 9, Optimizer = OptimizerKind.Adagrad, LearningRate = 0.05 });

        float[][] alone = [Weights(first.Train(data)), Weights(second.Train(data))];
        var together = new float[2][];
        Parallel.Invoke(
            () => together[0] = Weights(first.Train(data)),
            () => together[1] = Weights(second.Train(data)));

        CollectionAssert.AreEqual(alone[0], together[0], "the first network");
        CollectionAssert.AreEqual(alone[1], together[1], "the second network");
        CollectionAssert.AreNotEqual(alone[0], alone[1]);
    }

    private static float[] Weights(TrainedNetwork trained)
    {
        using (trained)
        {
            return trained.Network.GetTensorInfos().Where(t => t.Role != TensorRole.Optimizer).SelectMany(t => trained.Network.ReadTensor(t.Name)).ToArray();
        }
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.WorkingSet64;
    }
}
