using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine.Modules;

/// <summary>What the module offers the network beyond its forward pass: recalibration, folding, memory and autograd hygiene.</summary>
[TestClass]
public sealed class BatchNormalizationTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    private const double Tolerance = 1e-5;
    private const int Channels = 3, Spatial = 20;

    private static double[] D(float[] values) => values.Select(v => (double)v).ToArray();

    [TestMethod]
    public void RecalibrationSetsTheExactMeanAndUnbiasedVarianceOfEveryValueSeen()
    {
        // Renorm, ghost batches and frozen statistics do not apply: each batch is measured whole.
        var options = new BatchNormOptions { Scale = true, Renorm = true, GhostBatchSize = 2, MovingStatistics = MovingStatistics.CumulativeAverage };
        using var layer = Layer(options);
        layer.SetFineTuning(BatchNormFineTuning.StatisticsFrozen);
        var renormMean = Read(layer.RenormMean!);
        var renormStd = Read(layer.RenormStd!);
        int[] sizes = [3, 5, 2];
        var all = new List<float>();
        layer.BeginRecalibration();
        Assert.IsTrue(layer.IsRecalibrating);
        for (int b = 0; b < sizes.Length; b++)
        {
            var x = BatchNormReference.RandomInput(sizes[b] * Channels * Spatial, seed: 40 + b, offset: b - 1, scale: 1 + b);
            all.AddRange(x);
            float[] y;
            using (no_grad())
            {
                y = Forward(layer, x, Images(sizes[b], Channels), training: b % 2 == 0);
            }

            var (mean, biased, _) = BatchNormReference.Moments(x, sizes[b], Channels, Spatial);
            var expected = BatchNormReference.Normalize(x, sizes[b], Channels, Spatial, mean, biased, options.Epsilon, [1, 1, 1], [0, 0, 0]);
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected), $"batch {b} is normalized with its own whole-batch statistics");
        }

        CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, Read(layer.RunningMean), "nothing changes before the end");
        layer.EndRecalibration();
        Assert.IsFalse(layer.IsRecalibrating);

        var (allMean, _, allUnbiased) = BatchNormReference.Moments([.. all], sizes.Sum(), Channels, Spatial);
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(Read(layer.RunningMean), allMean));
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(Read(layer.RunningVariance), allUnbiased));
        CollectionAssert.AreEqual(renormMean, Read(layer.RenormMean!));
        CollectionAssert.AreEqual(renormStd, Read(layer.RenormStd!));
        CollectionAssert.AreEqual(new float[] { 0 }, Read(layer.BatchesTracked!));
    }

    [TestMethod]
    public void CancelledOrEmptyRecalibrationChangesNothing()
    {
        using var layer = Layer(new BatchNormOptions(), channels: 4, layerIndex: 2);
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(layer.EndRecalibration).Message, "has not begun");
        layer.BeginRecalibration();
        StringAssert.Contains(Assert.ThrowsExactly<InvalidOperationException>(layer.EndRecalibration).Message, "layer 2 (batch norm): recalibration saw no batches");

        // A dense batch of one is refused while recalibrating too.
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[4], [1, 4], training: false)).Message, "at least two");
        Forward(layer, BatchNormReference.RandomInput(20, seed: 3, offset: 5), [5, 4], training: true);
        layer.CancelRecalibration();
        Assert.IsFalse(layer.IsRecalibrating);
        CollectionAssert.AreEqual(new float[] { 0, 0, 0, 0 }, Read(layer.RunningMean));
        CollectionAssert.AreEqual(new float[] { 1, 1, 1, 1 }, Read(layer.RunningVariance));
    }

    [TestMethod]
    public void InferenceAffineFoldsIntoTheDenseLayerBefore()
    {
        const int batch = 5, inputs = 6, features = 4;
        using var layer = Layer(new BatchNormOptions { Scale = true, Epsilon = 0.01 }, channels: features);
        Write(layer.Gamma!, new[] { 0.5, -2.0, 1.5, 1.0 });
        Write(layer.Beta!, new[] { 0.1, 0.2, -0.3, 0.0 });
        Write(layer.RunningMean, new[] { 1.0, -0.5, 0.25, 2.0 });
        Write(layer.RunningVariance, new[] { 0.5, 4.0, 1.0, 0.01 });
        using var dense = nn.Linear(inputs, features);
        layer.eval();
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var x = tensor(BatchNormReference.RandomInput(batch * inputs, seed: 6), [batch, inputs]);

        var (scale, shift) = layer.InferenceAffine();
        var folded = nn.functional.linear(x, dense.weight! * scale.view(-1, 1), (dense.bias! * scale) + shift);
        var plain = layer.forward(dense.forward(x));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(folded), D(Read(plain))));
        Assert.IsFalse(scale.requires_grad);

        // Per channel on images alike: y = scale * x + shift.
        var images = tensor(BatchNormReference.RandomInput(2 * features * Spatial, seed: 7), [2, features, 4, 5]);
        var affine = (images * scale.view(1, -1, 1, 1)) + shift.view(1, -1, 1, 1);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(affine), D(Read(layer.forward(images)))));
    }

    [TestMethod]
    public void StatisticUpdatesAreNotTrackedByAutogradAndForwardLeavesNoTensorsBehind()
    {
        var modes = new[]
        {
            new BatchNormOptions { Scale = true },
            new BatchNormOptions { Scale = true, Renorm = true, GhostBatchSize = 3, MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp },
        };
        foreach (var options in modes)
        {
            using var layer = Layer(options);
            void Step(int k)
            {
                using var scope = NewDisposeScope();
                var x = tensor(BatchNormReference.RandomInput(8 * Channels * Spatial, seed: k), [8, Channels, 4, 5]).requires_grad_();
                layer.train();
                layer.forward(x).square().sum().backward();
                layer.eval();
                layer.forward(x);
            }

            Step(0);
            long live = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
            for (int k = 1; k <= 20; k++)
            {
                Step(k);
            }

            Assert.AreEqual(live, DisposeScopeManager.Statistics.ThreadTotalLiveCount, $"live tensors after 20 steps ({(options.Renorm ? "renorm" : "default")})");
            foreach (var (name, buffer) in layer.named_buffers())
            {
                Assert.IsFalse(buffer.requires_grad, name);
                Assert.IsTrue(Read(buffer.to(float32)).All(float.IsFinite), name);
            }

            Assert.IsNotNull(layer.Gamma!.grad, "gamma trains");
        }
    }

    [TestMethod]
    public void FusedKernelPathEqualsTheComposedPath()
    {
        // The default mode runs libtorch's batch-norm kernel; warm-up averaging runs the composed
        // operators. Past t = 170 the warm-up decay is the plain one, so both must agree: outputs,
        // gradients of input, gamma and beta, and the moving statistics.
        var fused = new BatchNormOptions { Scale = true, MovingAverageDecay = 0.95 };
        using var kernel = Layer(fused);
        using var composed = Layer(fused with { MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp });
        Write(composed.BatchesTracked!, new float[] { 1000 });
        foreach (var layer in new[] { kernel, composed })
        {
            Write(layer.Gamma!, new[] { 0.5, 2.0, -1.5 });
            Write(layer.Beta!, new[] { 0.1, -0.3, 1.0 });
        }

        var x = BatchNormReference.RandomInput(6 * Channels * Spatial, seed: 12, offset: 1, scale: 2);
        var weights = BatchNormReference.RandomInput(x.Length, seed: 13);
        (float[] Y, float[] InputGrad, float[] GammaGrad, float[] BetaGrad) Run(BatchNormalization layer)
        {
            using var scope = NewDisposeScope();
            var input = tensor(x, Images(6, Channels)).requires_grad_();
            layer.train();
            var y = layer.forward(input);
            (y * tensor(weights, Images(6, Channels))).sum().backward();
            return (Read(y), Read(input.grad!), Read(layer.Gamma!.grad!), Read(layer.Beta!.grad!));
        }

        var a = Run(kernel);
        var b = Run(composed);
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(a.Y, D(b.Y)), "output");
        Assert.IsLessThan(1e-5, BatchNormReference.RelativeError(a.InputGrad, D(b.InputGrad)), "input gradient");
        Assert.IsLessThan(1e-5, BatchNormReference.RelativeError(a.GammaGrad, D(b.GammaGrad)), "gamma gradient");
        Assert.IsLessThan(1e-5, BatchNormReference.RelativeError(a.BetaGrad, D(b.BetaGrad)), "beta gradient");
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(Read(kernel.RunningMean), D(Read(composed.RunningMean))), "moving mean");
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(Read(kernel.RunningVariance), D(Read(composed.RunningVariance))), "moving variance");
    }

    [TestMethod]
    public void InputOfTheWrongShapeIsAClearError()
    {
        using var layer = Layer(new BatchNormOptions(), channels: 3, layerIndex: 4);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[8], [2, 4], training: true));
        StringAssert.Contains(error.Message, "layer 4 (batch norm) expects (batch, 3) or (batch, 3, height, width) input; got (2, 4)");
        Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[6], [6], training: false));
    }
}
