using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>The fused kernels (CReLU + max-pool, oneDNN dense products, optimizer updates) against libtorch's plain operators, on awkward shapes.</summary>
[TestClass]
public sealed class FusedKernelEquivalenceTests
{
    private const double Tolerance = 1e-5;

    [TestCleanup]
    public void RestoreDefault() => NativeRuntime.SetKernelPath(KernelPath.Fused);

    private static NetworkSpec Awkward(int height, int width) => new(1, height, width,
    [
        new ConvolutionLayer(5, 3), new BatchNormLayer(new BatchNormOptions { Scale = true }), new CReluLayer(), new MaxPoolLayer(2),
        new ConvolutionLayer(4, 3), new BatchNormLayer(new BatchNormOptions()), new CReluLayer(), new MaxPoolLayer(3, 2),
        new FlattenLayer(), new DenseLayer(6, UseBias: false), new BatchNormLayer(new BatchNormOptions()), new CReluLayer(), new DenseLayer(3),
    ]);

    private static float[] Run(KernelPath path, NetworkSpec spec, float[] input, int batch, bool training)
    {
        NativeRuntime.SetKernelPath(path);
        using var network = new Network(spec, seed: 21);
        var output = new float[batch * network.OutputSize];
        network.Forward(input, batch, training, step: 0, output);
        return output;
    }

    [TestMethod]
    [DataRow(1, 28, 28)]
    [DataRow(3, 17, 23)]
    [DataRow(129, 12, 9)]
    public void ForwardOutputsMatchThePlainPath(int batch, int height, int width)
    {
        var spec = Awkward(height, width);
        var input = BatchNormReference.RandomInput(batch * height * width, seed: batch + height);
        foreach (bool training in new[] { false, true })
        {
            if (training && batch == 1)
            {
                continue; // the dense batch norm rejects a training batch of one
            }

            var plain = Run(KernelPath.Plain, spec, input, batch, training);
            var fused = Run(KernelPath.Fused, spec, input, batch, training);
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(fused, plain.Select(v => (double)v).ToArray()), $"training={training}");
        }
    }

    [TestMethod]
    [DataRow(3, 17, 23)]
    [DataRow(16, 28, 28)]
    public void TrainingStepsGiveTheSameWeightsAsThePlainPath(int batch, int height, int width)
    {
        var spec = Awkward(height, width);
        var input = BatchNormReference.RandomInput(batch * height * width, seed: 5);
        var labels = Enumerable.Range(0, batch).Select(i => (long)(i % 3)).ToArray();
        // SGD without momentum: the weight change is exactly lr x gradient, so this compares gradients.
        AssertSameState(
            TrainState(KernelPath.Plain, spec, input, labels, batch, NativeOptimizerKind.Sgd, 0, 0, false, 0, 0.5, steps: 3),
            TrainState(KernelPath.Fused, spec, input, labels, batch, NativeOptimizerKind.Sgd, 0, 0, false, 0, 0.5, steps: 3));
    }

    [TestMethod]
    [DataRow((int)NativeOptimizerKind.Adam, 0.9, 0.999, false)]
    [DataRow((int)NativeOptimizerKind.Adagrad, 0.0, 0.0, false)]
    [DataRow((int)NativeOptimizerKind.Sgd, 0.9, 0.0, true)]
    [DataRow((int)NativeOptimizerKind.Sgd, 0.9, 0.0, false)]
    public void FusedOptimizerUpdatesMatchThePlainOperators(int optimizer, double beta1, double beta2, bool nesterov)
    {
        var spec = Awkward(13, 11);
        const int batch = 7;
        var input = BatchNormReference.RandomInput(batch * 13 * 11, seed: 8);
        var labels = Enumerable.Range(0, batch).Select(i => (long)(i % 3)).ToArray();
        var kind = (NativeOptimizerKind)optimizer;
        AssertSameState(
            TrainState(KernelPath.Plain, spec, input, labels, batch, kind, beta1, beta2, nesterov, 0.01, 0.05, steps: 4),
            TrainState(KernelPath.Fused, spec, input, labels, batch, kind, beta1, beta2, nesterov, 0.01, 0.05, steps: 4));
    }

    // Non-default batch-norm modes run on libtorch's operators on both paths; the fused kernels around them (CReLU +
    // pool, the dense products, the optimizer) must give the same training as the plain path.
    [TestMethod]
    [DataRow("renorm")]
    [DataRow("ghost")]
    [DataRow("warm-up")]
    [DataRow("cumulative")]
    [DataRow("statistics-frozen")]
    public void NonDefaultBatchNormModesTrainAlikeOnBothPaths(string mode)
    {
        var options = mode switch
        {
            "renorm" => new BatchNormOptions { Renorm = true, RenormMaxR = 1.5, RenormMaxD = 0.5 },
            "ghost" => new BatchNormOptions { GhostBatchSize = 4 },
            "warm-up" => new BatchNormOptions { MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp },
            "cumulative" => new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage },
            _ => new BatchNormOptions(),
        };
        var spec = new NetworkSpec(1, 13, 11,
        [
            new ConvolutionLayer(5, 3), new BatchNormLayer(options with { Scale = true }), new CReluLayer(), new MaxPoolLayer(2),
            new FlattenLayer(), new DenseLayer(6, UseBias: false), new BatchNormLayer(options), new CReluLayer(), new DenseLayer(3),
        ]);
        const int batch = 12;
        var input = BatchNormReference.RandomInput(batch * 13 * 11, seed: 9);
        var labels = Enumerable.Range(0, batch).Select(i => (long)(i % 3)).ToArray();
        var policy = mode == "statistics-frozen" ? BatchNormFineTuning.StatisticsFrozen : BatchNormFineTuning.Full;
        AssertSameState(
            TrainState(KernelPath.Plain, spec, input, labels, batch, NativeOptimizerKind.Adam, 0.9, 0.999, false, 0, 0.01, steps: 4, policy),
            TrainState(KernelPath.Fused, spec, input, labels, batch, NativeOptimizerKind.Adam, 0.9, 0.999, false, 0, 0.01, steps: 4, policy));
    }

    private static Dictionary<string, float[]> TrainState(KernelPath path, NetworkSpec spec, float[] input, long[] labels, int batch, NativeOptimizerKind kind, double beta1, double beta2, bool nesterov, double weightDecay, double learningRate, int steps, BatchNormFineTuning policy = BatchNormFineTuning.Full)
    {
        NativeRuntime.SetKernelPath(path);
        using var network = new Network(spec, seed: 6);
        if (policy != BatchNormFineTuning.Full)
        {
            network.SetBatchNormFineTuning(policy);
        }

        network.SetOptimizer(kind, beta1, beta2, 1e-8, weightDecay, initialAccumulator: 0.1, nesterov);
        for (int step = 0; step < steps; step++)
        {
            network.TrainStep(input, labels, batch, learningRate, (ulong)step);
        }

        return network.GetTensorInfos().ToDictionary(t => t.Name, t => network.ReadTensor(t.Name));
    }

    // Norm-wise over the whole state: a tensor whose true gradient is zero (rounding noise around 0)
    // has no meaningful relative error of its own.
    private static void AssertSameState(Dictionary<string, float[]> expected, Dictionary<string, float[]> actual)
    {
        var names = expected.Keys.Order(StringComparer.Ordinal).ToArray();
        CollectionAssert.AreEquivalent(names, actual.Keys.ToArray());
        var e = names.SelectMany(n => expected[n]).Select(v => (double)v).ToArray();
        var a = names.SelectMany(n => actual[n]).ToArray();
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(a, e));
    }
}
