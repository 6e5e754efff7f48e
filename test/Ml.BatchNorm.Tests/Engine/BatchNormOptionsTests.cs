using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Validation of the batch-norm options, specs written before the modes existed, and the L2 terms.</summary>
[TestClass]
public sealed class BatchNormOptionsTests
{
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
        }

        // A network spec validates its layers' options once, before anything native happens.
        var spec = new NetworkSpec(1, 2, 2, [new BatchNormLayer(new BatchNormOptions { GhostBatchSize = -1 })]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new Network(spec)).Message, "GhostBatchSize");
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
        using var network = new Network(spec);
        CollectionAssert.AreEqual(
            new[] { "1.bias", "2.weight", "2.bias", "1.running_mean", "1.running_var" },
            network.GetTensorInfos().Select(t => t.Name).ToArray());

        // The new fields round-trip, the enum by name.
        var modes = new NetworkSpec(1, 2, 2, [new FlattenLayer(), new BatchNormLayer(new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage, Renorm = true, RenormMaxR = 2, GhostBatchSize = 8, GammaL2 = 1e-4 })]);
        string json = modes.ToJson();
        StringAssert.Contains(json, "\"movingStatistics\":\"CumulativeAverage\"");
        Assert.AreEqual(((BatchNormLayer)modes.Layers[1]).Options, ((BatchNormLayer)NetworkSpec.FromJson(json).Layers[1]).Options);
    }

    [TestMethod]
    public void NativeLayerSpecMirrorHasTheNativeSize()
    {
        // mlbn.h static_asserts the same 152 bytes: new fields are appended, never inserted.
        Assert.AreEqual(152, System.Runtime.InteropServices.Marshal.SizeOf<LayerSpecNative>());
        Assert.AreEqual(64, (int)System.Runtime.InteropServices.Marshal.OffsetOf<LayerSpecNative>(nameof(LayerSpecNative.MovingStatistics)));
    }

    [TestMethod]
    public void L2CoefficientsAddToTheGradientsOfGammaAndBeta()
    {
        // One SGD step at learning rate 1: p1 = p0 - (g + l2 * p0), so the difference between networks
        // with and without the L2 terms is l2 * p0.
        const double gammaL2 = 0.5, betaL2 = 0.25;
        float[] gamma0 = [1.5f, -0.5f], beta0 = [0.25f, -1];
        float[] Step(BatchNormOptions options, string tensor)
        {
            var spec = new NetworkSpec(3, 1, 1, [new FlattenLayer(), new DenseLayer(2, UseBias: false), new BatchNormLayer(options)]);
            using var network = new Network(spec, seed: 3);
            network.WriteTensor("2.weight", gamma0);
            network.WriteTensor("2.bias", beta0);
            network.SetOptimizer(NativeOptimizerKind.Sgd, 0, 0, 0, 0, 0, nesterov: false);
            network.TrainStep(BatchNormReference.RandomInput(12, seed: 8), [0, 1, 1, 0], 4, learningRate: 1, step: 0);
            return network.ReadTensor(tensor);
        }

        var plain = new BatchNormOptions { Scale = true };
        var penalized = plain with { GammaL2 = gammaL2, BetaL2 = betaL2 };
        var gammaDifference = Step(plain, "2.weight").Zip(Step(penalized, "2.weight"), (a, b) => a - b).ToArray();
        var betaDifference = Step(plain, "2.bias").Zip(Step(penalized, "2.bias"), (a, b) => a - b).ToArray();
        for (int c = 0; c < 2; c++)
        {
            Assert.AreEqual(gammaL2 * gamma0[c], gammaDifference[c], 1e-5);
            Assert.AreEqual(betaL2 * beta0[c], betaDifference[c], 1e-5);
        }
    }
}
