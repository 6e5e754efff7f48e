using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Validation of the batch-norm options, specs written before the modes existed, and the L2 terms.</summary>
[TestClass]
public sealed class BatchNormOptionsTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void InvalidOptionsAreRejectedWithMessagesNamingTheOption()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new BatchNormOptions { RenormMaxR = 0.5 }.Validate());
        Assert.AreEqual("BatchNormOptions.RenormMaxR must be >= 1; got 0.5.", error.Message.Split(" (Parameter")[0]);
        var cases = new (BatchNormOptions Options, string Name)[]
        {
            (new BatchNormOptions { RenormMaxD = -1 }, "RenormMaxD"),
            (new BatchNormOptions { RenormWarmUpSteps = -1 }, "RenormWarmUpSteps"),
            (new BatchNormOptions { RenormMovingAverageDecay = 1 }, "RenormMovingAverageDecay"),
            (new BatchNormOptions { GhostBatchSize = -2 }, "GhostBatchSize"),
            (new BatchNormOptions { GammaL2 = -0.1 }, "GammaL2"),
            (new BatchNormOptions { BetaL2 = double.NaN }, "BetaL2"),
            (new BatchNormOptions { MovingVarianceInitialValue = -1 }, "MovingVarianceInitialValue"),
            (new BatchNormOptions { GammaInitialValue = double.PositiveInfinity }, "GammaInitialValue"),
            (new BatchNormOptions { MovingStatistics = (MovingStatistics)7 }, "MovingStatistics"),
        };
        foreach (var (options, name) in cases)
        {
            var e = Assert.ThrowsExactly<ArgumentException>(() => options.Validate(), name);
            StringAssert.StartsWith(e.Message, $"BatchNormOptions.{name} ");
            Assert.AreEqual(name, e.ParamName);

            // The module validates its options before creating any tensor.
            Assert.AreEqual(name, Assert.ThrowsExactly<ArgumentException>(() => new BatchNormalization(2, options, 0), name).ParamName);
        }

        // A network spec validates its layers' options once, before anything is built.
        var spec = new NetworkSpec(1, 2, 2, [new BatchNormLayer(new BatchNormOptions { GhostBatchSize = -1 })]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(spec.Validate).Message, "GhostBatchSize");
    }

    [TestMethod]
    public void SpecJsonWithoutTheNewFieldsLoadsWithDefaults()
    {
        const string oldJson = """
            {"channels":1,"height":2,"width":2,"layers":[{"type":"flatten"},{"type":"batchNorm","options":{"movingAverageDecay":0.9,"epsilon":0.001,"center":true,"scale":false}},{"type":"dense","units":2,"useBias":true,"initStd":0.1}]}
            """;
        var spec = NetworkSpec.FromJson(oldJson);
        var options = ((BatchNormLayer)spec.Layers[1]).Options;
        Assert.AreEqual(new BatchNormOptions { MovingAverageDecay = 0.9 }, options);
        Assert.AreEqual(MovingStatistics.ExponentialAverage, options.MovingStatistics);
        Assert.AreEqual(1.0, options.MovingVarianceInitialValue);
        Assert.AreEqual(1.0, options.GammaInitialValue);
        Assert.IsFalse(options.Renorm);
        Assert.AreEqual(0, options.GhostBatchSize);

        // Same tensors as before the modes existed, so model files written then still load.
        using var layer = new BatchNormalization(4, options, 1);
        CollectionAssert.AreEqual(new[] { "bias" }, layer.named_parameters().Select(p => p.name).ToArray());
        CollectionAssert.AreEqual(new[] { "running_mean", "running_var" }, layer.named_buffers().Select(b => b.name).ToArray());
        CollectionAssert.AreEqual(new[] { "bias", "running_mean", "running_var" }, layer.state_dict().Keys.ToArray());

        // The new fields round-trip, the enum by name.
        var modes = new NetworkSpec(1, 2, 2, [new FlattenLayer(), new BatchNormLayer(new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage, Renorm = true, RenormMaxR = 2, GhostBatchSize = 8, GammaL2 = 1e-4 })]);
        string json = modes.ToJson();
        StringAssert.Contains(json, "\"movingStatistics\":\"CumulativeAverage\"");
        Assert.AreEqual(((BatchNormLayer)modes.Layers[1]).Options, ((BatchNormLayer)NetworkSpec.FromJson(json).Layers[1]).Options);
    }

    [TestMethod]
    public void L2CoefficientsAddToTheGradientsOfGammaAndBeta()
    {
        // One SGD step at learning rate 1: p1 = p0 - (g + l2 * p0), so the difference between layers
        // with and without the L2 terms is l2 * p0.
        const double gammaL2 = 0.5, betaL2 = 0.25;
        float[] gamma0 = [1.5f, -0.5f], beta0 = [0.25f, -1];
        var x = BatchNormReference.RandomInput(12, seed: 8);
        var w = BatchNormReference.RandomInput(6, seed: 3, scale: 0.2);
        (float[] Gamma, float[] Beta) Step(BatchNormOptions options)
        {
            using var layer = new BatchNormalization(2, options, 2);
            Write(layer.Gamma!, gamma0);
            Write(layer.Beta!, beta0);
            using var sgd = torch.optim.SGD(layer.parameters(), 1.0);
            using (var scope = NewDisposeScope())
            {
                var logits = layer.forward(tensor(x, [4, 3]).matmul(tensor(w, [2, 3]).t()));
                nn.functional.cross_entropy(logits, tensor(new long[] { 0, 1, 1, 0 })).backward();
                layer.AddL2Gradients();
                sgd.step();
            }

            return (Read(layer.Gamma!), Read(layer.Beta!));
        }

        var plain = new BatchNormOptions { Scale = true };
        var penalized = plain with { GammaL2 = gammaL2, BetaL2 = betaL2 };
        var (plainGamma, plainBeta) = Step(plain);
        var (penalizedGamma, penalizedBeta) = Step(penalized);
        for (int c = 0; c < 2; c++)
        {
            Assert.AreEqual(gammaL2 * gamma0[c], plainGamma[c] - penalizedGamma[c], 1e-5);
            Assert.AreEqual(betaL2 * beta0[c], plainBeta[c] - penalizedBeta[c], 1e-5);
        }

        // A frozen affine part has no gradient: the L2 terms leave it alone.
        using var frozen = new BatchNormalization(2, penalized, 2);
        frozen.SetFineTuning(BatchNormFineTuning.AffineFrozen);
        frozen.AddL2Gradients();
        Assert.IsNull(frozen.Gamma!.grad);
    }
}
