using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Kernels;
using Ml.BatchNorm.Engine.Optimization;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>The single-pass optimizer updates against the engine's plain tensor-operator updates, every instruction set.</summary>
[TestClass]
public sealed class OptimizerKernelTests
{
    private const double Tolerance = 1e-5;
    private const int Steps = 4;

    // Sizes around the vector widths and blocks: a scalar-only tail, a bias, a dense layer's weight split across threads.
    private static readonly long[][] Shapes = [[7], [33], [16, 5, 5], [300, 301]];

    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    public static IEnumerable<object[]> Settings =>
    [
        [OptimizerKind.Adam, 0.0, false],
        [OptimizerKind.Adam, 0.01, false],
        [OptimizerKind.Adagrad, 0.0, false],
        [OptimizerKind.Adagrad, 0.01, false],
        [OptimizerKind.Sgd, 0.0, false],
        [OptimizerKind.Sgd, 0.01, true],
    ];

    private static Tensor[] Run(TrainingOptions options, InstructionSet set)
    {
        using var forced = InstructionSets.Force(set);
        var parameters = Shapes.Select((s, k) => KernelTensors.Normal(s, seed: 10 + k).requires_grad_(true)).ToArray();
        using var optimizer = new ParameterOptimizer(options, parameters.Select((p, k) => ($"{k}.weight", p)));
        for (int step = 0; step < Steps; step++)
        {
            using var scope = NewDisposeScope();
            foreach (var (p, k) in parameters.Select((p, k) => (p, k)))
            {
                p.grad?.zero_();
                var upstream = KernelTensors.Normal(p.shape, seed: (100 * step) + k);
                (p * upstream).sum().backward();
            }

            optimizer.Step(options.LearningRate, (ulong)step);
        }

        return [.. parameters.Select(p => p.detach()), .. optimizer.State().Select(s => s.Tensor.clone())];
    }

    [TestMethod]
    [DynamicData(nameof(Settings))]
    public void ParametersAndStateMatchThePlainUpdate(OptimizerKind kind, double weightDecay, bool nesterov)
    {
        var options = new TrainingOptions
        {
            Optimizer = kind,
            LearningRate = 0.05,
            WeightDecay = weightDecay,
            Momentum = 0.9,
            Nesterov = nesterov,
        };
        var plain = Run(options with { KernelPath = KernelPath.Plain }, InstructionSets.Detected);
        foreach (var set in InstructionSets.Available)
        {
            var fused = Run(options with { KernelPath = KernelPath.Fused }, set);
            Assert.HasCount(plain.Length, fused);
            for (int i = 0; i < plain.Length; i++)
            {
                Assert.IsLessThan(Tolerance, KernelTensors.RelativeError(fused[i], plain[i]), $"{kind} {set}: tensor {i}");
            }
        }
    }
}
