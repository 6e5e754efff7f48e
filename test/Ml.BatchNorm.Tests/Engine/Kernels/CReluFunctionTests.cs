using Ml.BatchNorm.Engine.Kernels;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>The dense CReLU kernel against relu(cat(x, -x)): outputs and gradients, every instruction set.</summary>
[TestClass]
public sealed class CReluFunctionTests
{
    private const double Tolerance = 1e-5;

    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    public static IEnumerable<object[]> Shapes =>
    [
        [new long[] { 1, 1024 }],
        [new long[] { 3, 37 }],
        [new long[] { 7, 5 }],
        [new long[] { 129, 300 }],
        [new long[] { 3, 4, 7, 9 }],
    ];

    [TestMethod]
    [DynamicData(nameof(Shapes))]
    public void OutputsAndGradientsMatchThePlainOperators(long[] shape)
    {
        using var scope = NewDisposeScope();
        var x = KernelTensors.Normal(shape, seed: shape[0]);
        long[] doubled = [.. shape];
        doubled[1] *= 2;
        var upstream = KernelTensors.Normal(doubled, seed: 100 + shape[0]);

        var plainInput = x.detach().requires_grad_(true);
        var plainY = F.relu(cat([plainInput, plainInput.neg()], 1));
        (plainY * upstream).sum().backward();
        foreach (var set in InstructionSets.Available)
        {
            var input = x.detach().requires_grad_(true);
            var y = CReluFunction.apply(input, set);
            (y * upstream).sum().backward();
            Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(y, plainY), $"{set}: output");
            Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(input.grad!, plainInput.grad!), $"{set}: gradient");
        }
    }
}
