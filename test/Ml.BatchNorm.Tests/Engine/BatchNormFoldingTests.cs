using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Inference with batch norm folded into the preceding layers against the unfolded plain path.</summary>
[TestClass]
public sealed class BatchNormFoldingTests
{
    private const double Tolerance = 1e-5;

    // Plain: every batch norm its own layer for this call (the reference); Fused: folding as the network allows.
    private enum KernelPath { Fused, Plain }

    private static float[] Logits(Network network, float[] input, int batch, KernelPath path)
    {
        bool allowed = network.AllowBatchNormFolding;
        network.AllowBatchNormFolding = allowed && path == KernelPath.Fused;
        var output = new float[batch * network.OutputSize];
        network.Forward(input, batch, training: false, step: 0, output);
        network.AllowBatchNormFolding = allowed;
        return output;
    }

    private static Network TrainedALittle(BatchNormOptions options)
    {
        var spec = SeedNetworks.Model1(options);
        var network = new Network(spec, seed: 12);
        network.SetOptimizer(OptimizerKind.Adam, 0.9, 0.999, 1e-8, 0, 0, nesterov: false);
        var input = BatchNormReference.RandomInput(16 * 784, seed: 2, offset: 0.4, scale: 0.4);
        var labels = Enumerable.Range(0, 16).Select(i => (long)(i % 10)).ToArray();
        for (int step = 0; step < 5; step++)
        {
            network.TrainStep(input, labels, 16, 0.01, (ulong)step);
        }

        return network;
    }

    [TestMethod]
    [DataRow(false)]
    [DataRow(true)]
    public void FoldedInferenceMatchesTheUnfoldedNetwork(bool scale)
    {
        using var network = TrainedALittle(new BatchNormOptions { Scale = scale, Epsilon = 1e-3 });
        if (scale)
        {
            network.WriteTensor("5.weight", BatchNormReference.RandomInput(32, seed: 4, offset: 1, scale: 0.5));
        }

        Assert.IsTrue(network.IsBatchNormFolded, "model1's batch norms fold and pass the check");
        foreach (int batch in new[] { 1, 3, 64 })
        {
            var input = BatchNormReference.RandomInput(batch * 784, seed: 30 + batch, offset: 0.5, scale: 0.5);
            var plain = Logits(network, input, batch, KernelPath.Plain);
            var folded = Logits(network, input, batch, KernelPath.Fused);
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(folded, plain.Select(v => (double)v).ToArray()), $"batch {batch}");
        }
    }

    [TestMethod]
    public void NewStatisticsInvalidateTheFoldedWeights()
    {
        using var network = TrainedALittle(new BatchNormOptions());
        var input = BatchNormReference.RandomInput(4 * 784, seed: 7, offset: 0.5, scale: 0.5);
        var before = Logits(network, input, 4, KernelPath.Fused);

        network.WriteTensor("1.running_mean", Enumerable.Repeat(0.3f, 16).ToArray());
        var after = Logits(network, input, 4, KernelPath.Fused);
        var plain = Logits(network, input, 4, KernelPath.Plain);
        Assert.IsGreaterThan(1e-3, BatchNormReference.RelativeError(after, before.Select(v => (double)v).ToArray()), "the new statistics must change the output");
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(after, plain.Select(v => (double)v).ToArray()));
        Assert.IsTrue(network.IsBatchNormFolded);

        // A training step changes weights and statistics: scoring afterwards must follow.
        network.TrainStep(input, [1, 2, 3, 4], 4, 0.05, 10);
        var afterStep = Logits(network, input, 4, KernelPath.Fused);
        var plainAfterStep = Logits(network, input, 4, KernelPath.Plain);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(afterStep, plainAfterStep.Select(v => (double)v).ToArray()));
    }

    [TestMethod]
    public void NetworksWithoutBatchNormDoNotFold()
    {
        using var model2 = new Network(SeedNetworks.Model2());
        Assert.IsFalse(model2.IsBatchNormFolded);
        using var model1 = new Network(SeedNetworks.Model1());
        Assert.IsTrue(model1.IsBatchNormFolded);
    }

    [TestMethod]
    public void FoldingCanBeTurnedOffPerNetwork()
    {
        using var network = TrainedALittle(new BatchNormOptions());
        var input = BatchNormReference.RandomInput(5 * 784, seed: 9, offset: 0.5, scale: 0.5);
        var folded = Logits(network, input, 5, KernelPath.Fused);
        Assert.IsTrue(network.IsBatchNormFolded);

        network.AllowBatchNormFolding = false;
        Assert.IsFalse(network.AllowBatchNormFolding);
        Assert.IsFalse(network.IsBatchNormFolded);
        var unfolded = Logits(network, input, 5, KernelPath.Fused);
        var plain = Logits(network, input, 5, KernelPath.Plain);
        Assert.IsGreaterThan(0, BatchNormReference.RelativeError(unfolded, folded.Select(v => (double)v).ToArray()), "the unfolded path computes differently");
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(unfolded, folded.Select(v => (double)v).ToArray()));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(unfolded, plain.Select(v => (double)v).ToArray()));

        network.AllowBatchNormFolding = true;
        Assert.IsTrue(network.IsBatchNormFolded);
        CollectionAssert.AreEqual(folded, Logits(network, input, 5, KernelPath.Fused), "folded again, bit for bit");
    }
}
