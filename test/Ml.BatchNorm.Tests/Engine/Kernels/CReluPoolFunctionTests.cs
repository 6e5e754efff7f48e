using Ml.BatchNorm.Engine.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>The fused CReLU + 2x2 max-pool against relu(cat(x, -x)) then max_pool2d: outputs and gradients, every instruction set.</summary>
[TestClass]
public sealed class CReluPoolFunctionTests
{
    private const double Tolerance = 1e-5;

    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    public static IEnumerable<object[]> Shapes =>
    [
        [1, 2, 28, 28],
        [3, 5, 17, 23],
        [7, 4, 9, 12],
        [129, 3, 14, 15],
        [2, 3, 2, 67], // one output row, a row long enough for every vector width and a tail
    ];

    private static (Tensor Output, Tensor Gradient) Plain(Tensor x, Tensor upstream)
    {
        var input = x.detach().requires_grad_(true);
        var y = F.max_pool2d(F.relu(cat([input, input.neg()], 1)), [2, 2], [2, 2]);
        (y * upstream).sum().backward();
        return (y.detach(), input.grad!);
    }

    private static (Tensor Output, Tensor Gradient) Fused(Tensor x, Tensor upstream, InstructionSet set)
    {
        var input = x.detach().requires_grad_(true);
        var y = CReluPoolFunction.apply(input, set);
        (y * upstream).sum().backward();
        return (y.detach(), input.grad!);
    }

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void OutputsAndGradientsMatchThePlainOperators(int batch, int channels, int height, int width)
    {
        using var scope = NewDisposeScope();
        var x = KernelTensors.Normal([batch, channels, height, width], seed: batch + height);
        var upstream = KernelTensors.Normal([batch, 2 * channels, height / 2, width / 2], seed: 1000 + batch);
        var (plainY, plainG) = Plain(x, upstream);
        foreach (var set in InstructionSets.Available)
        {
            var (fusedY, fusedG) = Fused(x, upstream, set);
            CollectionAssert.AreEqual(plainY.shape, fusedY.shape, $"{set}: output shape");
            Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fusedY, plainY), $"{set}: output");
            Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fusedG, plainG), $"{set}: gradient");
        }
    }

    [TestMethod]
    public void TiesSendTheGradientWhereMaxPoolSendsIt()
    {
        // Small integers make every kind of tie (equal maxima, equal minima, all-equal windows, zeros).
        using var scope = NewDisposeScope();
        var x = KernelTensors.Normal([5, 3, 11, 38], seed: 7).mul(1.5).round();
        var upstream = KernelTensors.Normal([5, 6, 5, 19], seed: 8);
        var (plainY, plainG) = Plain(x, upstream);
        foreach (var set in InstructionSets.Available)
        {
            var (fusedY, fusedG) = Fused(x, upstream, set);
            Assert.AreEqual(0.0, KernelTensors.RelativeError(fusedY, plainY), $"{set}: output");
            Assert.AreEqual(0.0, KernelTensors.RelativeError(fusedG, plainG), $"{set}: gradient");
        }
    }

    [TestMethod]
    public void RunsWithoutGradientsUnderInferenceMode()
    {
        using var scope = NewDisposeScope();
        var x = KernelTensors.Normal([4, 2, 8, 8], seed: 3);
        using var _ = inference_mode();
        var fused = CReluPoolFunction.apply(x, InstructionSets.Detected);
        var plain = F.max_pool2d(F.relu(cat([x, x.neg()], 1)), [2, 2], [2, 2]);
        Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused, plain));
    }

    [TestMethod]
    public void AForcedInstructionSetLastsUntilItsHandleIsDisposed()
    {
        var before = InstructionSets.Current;
        using (InstructionSets.Force(InstructionSet.Scalar))
        {
            Assert.AreEqual(InstructionSet.Scalar, InstructionSets.Current);
        }

        Assert.AreEqual(before, InstructionSets.Current);
        if (InstructionSets.Detected != InstructionSet.Avx512)
        {
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => InstructionSets.Force(InstructionSet.Avx512));
        }
    }
}
