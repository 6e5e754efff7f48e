using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Fine-tuning policies: frozen statistics, frozen affine parameters, and that freezing is sticky.</summary>
[TestClass]
public sealed class BatchNormFineTuningTests
{
    private const int Batch = 6;

    // conv -> BN (layer 1) -> relu -> flatten -> dense -> BN (layer 5) as logits.
    private static NetworkSpec SmallNet() => new(1, 4, 4,
    [
        new ConvolutionLayer(2, 3),
        new BatchNormLayer(new BatchNormOptions { Scale = true }),
        new ReluLayer(),
        new FlattenLayer(),
        new DenseLayer(3, UseBias: false),
        new BatchNormLayer(new BatchNormOptions { Scale = true }),
    ]);

    private static void Train(Network network, int steps)
    {
        network.SetOptimizer(NativeOptimizerKind.Adam, 0.9, 0.999, 1e-8, 0, 0, nesterov: false);
        for (int step = 0; step < steps; step++)
        {
            var x = BatchNormReference.RandomInput(Batch * 16, seed: 50 + step, offset: 0.5, scale: 0.5);
            network.TrainStep(x, [0, 1, 2, 0, 1, 2], Batch, learningRate: 0.01, step: (ulong)step);
        }
    }

    [TestMethod]
    public void FrozenStatisticsStayBitIdenticalAndTrainingModeUsesThem()
    {
        using var network = new Network(SmallNet(), seed: 2);
        network.WriteTensor("1.running_mean", [0.25f, -0.5f]);
        network.WriteTensor("1.running_var", [2, 0.5f]);
        network.SetBatchNormFineTuning(BatchNormFineTuning.StatisticsFrozen);
        var statistics = new[] { "1.running_mean", "1.running_var", "5.running_mean", "5.running_var" }.ToDictionary(n => n, network.ReadTensor);
        var weights = network.ReadTensor("0.weight");

        Train(network, steps: 3);

        foreach (var (name, before) in statistics)
        {
            CollectionAssert.AreEqual(before, network.ReadTensor(name), name);
        }

        CollectionAssert.AreNotEqual(weights, network.ReadTensor("0.weight"), "the other weights must still train");

        // Training mode now normalizes with the moving statistics: it equals inference mode (up to
        // rounding: inference folds the batch norms into the layers before them).
        var x = BatchNormReference.RandomInput(Batch * 16, seed: 99);
        var training = new float[Batch * 3];
        var inference = new float[Batch * 3];
        network.Forward(x, Batch, training: true, step: 0, training);
        network.Forward(x, Batch, training: false, step: 0, inference);
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(training, inference.Select(v => (double)v).ToArray()));

        // Frozen statistics never see the batch, so even a dense batch of one is fine.
        network.Forward(x, 1, training: true, step: 0, new float[3]);
    }

    [TestMethod]
    public void FrozenAffineParametersStayBitIdenticalAndTheirOptimizerSlotsUntouched()
    {
        using var network = new Network(SmallNet(), seed: 2);
        network.WriteTensor("1.weight", [1.5f, 0.75f]);
        network.WriteTensor("1.bias", [0.1f, -0.2f]);
        network.SetBatchNormFineTuning(BatchNormFineTuning.AffineFrozen, layerIndex: 1);
        Assert.AreEqual(BatchNormFineTuning.AffineFrozen, network.GetBatchNormFineTuning(1));
        Assert.AreEqual(BatchNormFineTuning.Full, network.GetBatchNormFineTuning(5));
        var meanBefore = network.ReadTensor("1.running_mean");
        var otherBeta = network.ReadTensor("5.bias");

        Train(network, steps: 3);

        CollectionAssert.AreEqual(new[] { 1.5f, 0.75f }, network.ReadTensor("1.weight"));
        CollectionAssert.AreEqual(new[] { 0.1f, -0.2f }, network.ReadTensor("1.bias"));
        Assert.IsTrue(network.ReadTensor("optimizer.1.bias.exp_avg").All(v => v == 0), "the frozen beta's optimizer slot must stay untouched");
        Assert.IsTrue(network.ReadTensor("optimizer.1.weight.exp_avg_sq").All(v => v == 0));
        CollectionAssert.AreNotEqual(meanBefore, network.ReadTensor("1.running_mean"), "the statistics still update");
        CollectionAssert.AreNotEqual(otherBeta, network.ReadTensor("5.bias"), "the other layer still trains");
    }

    [TestMethod]
    public void FreezingIsSticky()
    {
        using var network = new Network(SmallNet());
        network.SetBatchNormFineTuning(BatchNormFineTuning.StatisticsFrozen, layerIndex: 5);
        var error = Assert.ThrowsExactly<NativeException>(() => network.SetBatchNormFineTuning(BatchNormFineTuning.Full));
        Assert.IsTrue(error.IsInvalidArgument);
        StringAssert.Contains(error.Message, "layer 5 (batch norm)");
        StringAssert.Contains(error.Message, "StatisticsFrozen");
        // A refused call for every layer changes none of them.
        Assert.AreEqual(BatchNormFineTuning.Full, network.GetBatchNormFineTuning(1));

        Assert.ThrowsExactly<NativeException>(() => network.SetBatchNormFineTuning(BatchNormFineTuning.AffineFrozen, layerIndex: 5));
        network.SetBatchNormFineTuning(BatchNormFineTuning.BothFrozen, layerIndex: 5);
        network.SetBatchNormFineTuning(BatchNormFineTuning.BothFrozen, layerIndex: 5);
        Assert.AreEqual(BatchNormFineTuning.BothFrozen, network.GetBatchNormFineTuning(5));

        // Setting the optimizer afterwards must not unfreeze gamma and beta either.
        network.WriteTensor("5.bias", [1, 2, 3]);
        Train(network, steps: 2);
        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, network.ReadTensor("5.bias"));

        StringAssert.Contains(Assert.ThrowsExactly<NativeException>(() => network.SetBatchNormFineTuning(BatchNormFineTuning.Full, layerIndex: 2)).Message, "not a batch-norm layer");
    }

    [TestMethod]
    public void TrainingOptionsFineTuningIsAppliedAndFingerprinted()
    {
        var options = new TrainingOptions { FineTuning = BatchNormFineTuning.StatisticsFrozen, Iterations = 2, BatchSize = 4, EvaluateEvery = 0 };
        Assert.AreEqual("StatisticsFrozen", options.Fingerprint()["FineTuning"]);
        Assert.AreEqual("Full", new TrainingOptions().Fingerprint()["FineTuning"]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (options with { FineTuning = (BatchNormFineTuning)9 }).Validate()).Message, "TrainingOptions.FineTuning");

        var spec = new NetworkSpec(1, 4, 4, [new ConvolutionLayer(2, 3), new BatchNormLayer(new BatchNormOptions()), new FlattenLayer(), new DenseLayer(3)]);
        var pixels = new byte[8 * 16];
        new Random(4).NextBytes(pixels);
        var data = Ml.BatchNorm.Data.ImageDataset.FromBytes(pixels, [0, 1, 2, 0, 1, 2, 0, 1], 4, 4, ["a", "b", "c"], "memory");
        using var trained = new Trainer(spec, options).Train(data);
        Assert.AreEqual(BatchNormFineTuning.StatisticsFrozen, trained.Network.GetBatchNormFineTuning(1));
        CollectionAssert.AreEqual(new float[] { 0, 0 }, trained.Network.ReadTensor("1.running_mean"));
        CollectionAssert.AreEqual(new float[] { 1, 1 }, trained.Network.ReadTensor("1.running_var"));
    }
}
