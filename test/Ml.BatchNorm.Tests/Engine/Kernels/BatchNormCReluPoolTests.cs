using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Kernels;
using Ml.BatchNorm.Engine.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>
/// Training-mode batch norm fused with CReLU and the 2x2 max-pool (<see cref="BatchNormalization.ForwardCReluPool"/>)
/// against the same layers composed from libtorch's operators in float64: the output, the gradients of x, γ and β
/// (through the batch statistics), and the moving statistics, for every instruction set the CPU runs.
/// </summary>
[TestClass]
public sealed class BatchNormCReluPoolTests
{
    private const double Tolerance = 1e-5;

    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    public static IEnumerable<object[]> Shapes =>
    [
        [1, 2, 28, 28],
        [3, 5, 17, 23], // odd edges: positions in no window still get batch norm's gradient
        [7, 4, 9, 12],
        [129, 3, 14, 15],
        [2, 3, 2, 67],
    ];

    private sealed record Result(Tensor Output, Tensor GradX, Tensor? GradGamma, Tensor? GradBeta, Tensor RunningMean, Tensor RunningVar);

    // libtorch's batch norm in float64, then relu(cat(z, -z)) and max_pool2d: autograd derives every gradient.
    private static Result Reference(Tensor x, Tensor upstream, Tensor gamma, Tensor beta, BatchNormOptions options, Tensor runningMean, Tensor runningVar)
    {
        var input = x.detach().to(ScalarType.Float64).requires_grad_(true);
        var g = gamma.detach().to(ScalarType.Float64).requires_grad_(options.Scale);
        var b = beta.detach().to(ScalarType.Float64).requires_grad_(options.Center);
        var rm = runningMean.to(ScalarType.Float64);
        var rv = runningVar.to(ScalarType.Float64);
        var z = F.batch_norm(input, rm, rv, g, b, training: true, momentum: 1 - options.MovingAverageDecay, eps: options.Epsilon);
        var y = F.max_pool2d(F.relu(cat([z, z.neg()], 1)), [2, 2], [2, 2]);
        (y * upstream.to(ScalarType.Float64)).sum().backward();
        return new Result(y.detach(), input.grad!, options.Scale ? g.grad : null, options.Center ? b.grad : null, rm, rv);
    }

    private static Result Fused(Tensor x, Tensor upstream, Tensor gamma, Tensor beta, BatchNormOptions options, InstructionSet set, bool channelsLast = false)
    {
        using var layer = new BatchNormalization(checked((int)x.shape[1]), options, layerIndex: 1);
        using (no_grad())
        {
            layer.Gamma?.copy_(gamma);
            layer.Beta?.copy_(beta);
        }

        layer.train();
        // Channels-last: the same values in N × H × W × C memory, as a channels-last convolution writes them.
        var input = (channelsLast ? x.detach().permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2) : x.detach()).requires_grad_(true);
        Assert.IsTrue(layer.CanFuseCReluPool(input));
        var y = layer.ForwardCReluPool(input, set);
        if (channelsLast && x.shape[1] > 1)
        {
            Assert.IsTrue(TensorMemory.IsChannelsLast(y), "a channels-last input gives a channels-last output");
        }

        (y * upstream).sum().backward();
        return new Result(y.detach(), input.grad!, layer.Gamma?.grad?.clone(), layer.Beta?.grad?.clone(), layer.RunningMean.clone(), layer.RunningVariance.clone());
    }

    private static void AssertMatches(Result reference, Result fused, string label)
    {
        CollectionAssert.AreEqual(reference.Output.shape, fused.Output.shape, $"{label}: output shape");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.Output, reference.Output), $"{label}: output");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.GradX, reference.GradX), $"{label}: gradient of x");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.GradGamma!, reference.GradGamma!), $"{label}: gradient of gamma");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.GradBeta!, reference.GradBeta!), $"{label}: gradient of beta");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.RunningMean, reference.RunningMean), $"{label}: moving mean");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.RunningVar, reference.RunningVar), $"{label}: moving variance");
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void OutputsGradientsAndMovingStatisticsMatchFloat64Operators(int batch, int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var options = new BatchNormOptions { Scale = true, Center = true, MovingAverageDecay = 0.9 };
        // Inputs off-centre and of unequal scales, as convolution outputs are; γ of both signs (a negative
        // γ swaps which input a window's maximum comes from).
        var x = (KernelTensors.Normal([batch, channels, height, width], seed: batch + height) * 3) + 5;
        var upstream = KernelTensors.Normal([batch, 2 * channels, height / 2, width / 2], seed: 1000 + batch);
        var gamma = KernelTensors.Normal([channels], seed: 7);
        var beta = KernelTensors.Normal([channels], seed: 8);
        var reference = Reference(x, upstream, gamma, beta, options, full(channels, 0f), full(channels, 1f));
        foreach (var set in InstructionSets.Available)
        {
            AssertMatches(reference, Fused(x, upstream, gamma, beta, options, set), set.ToString());
        }
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void ChannelsLastInputMatchesFloat64Operators(int batch, int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var options = new BatchNormOptions { Scale = true, Center = true, MovingAverageDecay = 0.9 };
        var x = (KernelTensors.Normal([batch, channels, height, width], seed: batch + width) * 3) + 5;
        var upstream = KernelTensors.Normal([batch, 2 * channels, height / 2, width / 2], seed: 2000 + batch);
        var gamma = KernelTensors.Normal([channels], seed: 17);
        var beta = KernelTensors.Normal([channels], seed: 18);
        var reference = Reference(x, upstream, gamma, beta, options, full(channels, 0f), full(channels, 1f));
        foreach (var set in InstructionSets.Available)
        {
            AssertMatches(reference, Fused(x, upstream, gamma, beta, options, set, channelsLast: true), $"{set}, channels-last");
        }
    }

    [TestMethod]
    public void ChannelsLastTiesSendTheGradientWhereMaxPoolSendsIt()
    {
        // Rounded inputs put equal values in many windows; they stay equal after the channel's affine map, and
        // both layouts must send each window's gradient to the same element (the first extreme in row-major order).
        using var scope = NewDisposeScope();
        var options = new BatchNormOptions { Scale = true, Center = true };
        var x = KernelTensors.Normal([5, 9, 10, 12], seed: 21).mul(1.5).round();
        var upstream = KernelTensors.Normal([5, 18, 5, 6], seed: 22);
        var gamma = KernelTensors.Normal([9], seed: 23);
        var beta = KernelTensors.Normal([9], seed: 24);
        foreach (var set in InstructionSets.Available)
        {
            var contiguous = Fused(x, upstream, gamma, beta, options, set);
            var channelsLast = Fused(x, upstream, gamma, beta, options, set, channelsLast: true);
            Assert.AreEqual(0.0, KernelTensors.RelativeError(channelsLast.Output, contiguous.Output), $"{set}: output");
            Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(channelsLast.GradX, contiguous.GradX), $"{set}: gradient of x");
        }
    }

    [TestMethod]
    public void LayersWithoutScaleOrCenterGetTheirConstants()
    {
        using var scope = NewDisposeScope();
        var options = new BatchNormOptions { Scale = false, Center = false };
        var x = KernelTensors.Normal([6, 3, 10, 10], seed: 11);
        var upstream = KernelTensors.Normal([6, 6, 5, 5], seed: 12);
        var reference = Reference(x, upstream, ones(3), zeros(3), options, full(3, 0f), full(3, 1f));
        var fused = Fused(x, upstream, ones(3), zeros(3), options, InstructionSets.Detected);
        Assert.IsNull(fused.GradGamma);
        Assert.IsNull(fused.GradBeta);
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.Output, reference.Output), "output");
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused.GradX, reference.GradX), "gradient of x");
    }

    [TestMethod]
    public void NonFiniteInputLeavesTheMovingStatisticsUnchanged()
    {
        using var scope = NewDisposeScope();
        using var layer = new BatchNormalization(2, new BatchNormOptions(), layerIndex: 4);
        layer.train();
        var x = KernelTensors.Normal([4, 2, 6, 6], seed: 5);
        x[1, 1, 2, 3] = tensor(float.PositiveInfinity);
        var before = (layer.RunningMean.clone(), layer.RunningVariance.clone());
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => layer.ForwardCReluPool(x, InstructionSets.Detected));
        StringAssert.Contains(error.Message, "layer 4 (batch norm)");
        Assert.AreEqual(0.0, KernelTensors.RelativeError(layer.RunningMean, before.Item1));
        Assert.AreEqual(0.0, KernelTensors.RelativeError(layer.RunningVariance, before.Item2));
    }

    [TestMethod]
    public void OnlyTheDefaultTrainingPathFuses()
    {
        using var scope = NewDisposeScope();
        var x = KernelTensors.Normal([8, 2, 6, 6], seed: 9);
        using var renorm = new BatchNormalization(2, new BatchNormOptions { Renorm = true }, 0);
        using var ghost = new BatchNormalization(2, new BatchNormOptions { GhostBatchSize = 4 }, 0);
        using var cumulative = new BatchNormalization(2, new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage }, 0);
        using var frozen = new BatchNormalization(2, new BatchNormOptions(), 0);
        using var plain = new BatchNormalization(2, new BatchNormOptions(), 0);
        foreach (var layer in new[] { renorm, ghost, cumulative, frozen, plain })
        {
            layer.train();
        }

        frozen.SetFineTuning(BatchNormFineTuning.StatisticsFrozen);
        Assert.IsFalse(renorm.CanFuseCReluPool(x), "renorm");
        Assert.IsFalse(ghost.CanFuseCReluPool(x), "ghost batches");
        Assert.IsFalse(cumulative.CanFuseCReluPool(x), "cumulative averaging");
        Assert.IsFalse(frozen.CanFuseCReluPool(x), "frozen statistics");
        Assert.IsTrue(plain.CanFuseCReluPool(x), "default");
        Assert.IsFalse(plain.CanFuseCReluPool(x.to(ScalarType.Float64)), "float64");
        plain.eval();
        Assert.IsFalse(plain.CanFuseCReluPool(x), "inference mode");
    }
}
