using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Trainer.FineTune and the fine-tuning comparison, on a few hundred Fashion-MNIST images.</summary>
[TestClass]
public sealed class FineTuneTests
{
    private static TrainedNetwork? _pretrained;

    private static TrainingOptions Short(long steps) => new() { Iterations = steps, BatchSize = 32, EvaluateEvery = 0, Threads = 2 };

    [ClassInitialize]
    public static void Pretrain(TestContext context)
    {
        var firstClasses = FashionMnist.Train.WhereLabel(c => c < 5).Take(640);
        _pretrained = new Trainer(SeedNetworks.Model1(new BatchNormOptions()), Short(15)).Train(firstClasses);
    }

    [ClassCleanup]
    public static void Cleanup() => _pretrained?.Dispose();

    private static Dictionary<string, float[]> Tensors(Network network, TensorRole role) =>
        network.GetTensorInfos().Where(t => t.Role == role).ToDictionary(t => t.Name, t => network.ReadTensor(t.Name));

    [TestMethod]
    public void FineTuningStartsFromThePretrainedWeightsAndLeavesThemUnchanged()
    {
        var before = Tensors(_pretrained!.Network, TensorRole.Parameter);
        var statistics = Tensors(_pretrained.Network, TensorRole.Statistic);
        var other = FashionMnist.Train.WhereLabel(c => c >= 5).Take(320);

        // Both frozen: the batch-norm statistics and shifts must come through bit for bit from the pretrained network.
        using var tuned = new Trainer(_pretrained.Network.Spec, Short(5) with { FineTuning = BatchNormFineTuning.BothFrozen }).FineTune(_pretrained, other);
        foreach (var (name, values) in Tensors(tuned.Network, TensorRole.Statistic))
        {
            CollectionAssert.AreEqual(statistics[name], values, name);
        }

        CollectionAssert.AreEqual(before["1.bias"], tuned.Network.ReadTensor("1.bias"), "beta frozen at its pretrained value");
        Assert.AreNotEqual(0, BatchNormReference.RelativeError(tuned.Network.ReadTensor("0.weight"), before["0.weight"].Select(v => (double)v).ToArray()), "the convolution trained");
        Assert.IsLessThan(0.5, BatchNormReference.RelativeError(tuned.Network.ReadTensor("0.weight"), before["0.weight"].Select(v => (double)v).ToArray()), "and started from the pretrained weights, not from a fresh draw");

        foreach (var (name, values) in Tensors(_pretrained.Network, TensorRole.Parameter))
        {
            CollectionAssert.AreEqual(before[name], values, $"pretrained {name} unchanged");
        }
    }

    [TestMethod]
    public void ASpecWithOtherTensorsIsRejected()
    {
        var other = FashionMnist.Train.Take(64);
        var error = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(SeedNetworks.Model2(), Short(1)).FineTune(_pretrained!, other));
        StringAssert.Contains(error.Message, "pretrained network does not fit");
    }

    [TestMethod]
    public void ACheckpointFromOtherStartingWeightsIsNotResumed()
    {
        using var folder = new TempFolder();
        var other = FashionMnist.Train.WhereLabel(c => c >= 5).Take(320);
        var options = Short(6) with { CheckpointPath = folder.File("tune.checkpoint"), CheckpointEvery = 3 };
        var spec = _pretrained!.Network.Spec;
        using (var cancel = new CancellationTokenSource())
        {
            var progress = new Progress(p => { if (p.Step == 4) { cancel.Cancel(); } });
            Assert.ThrowsExactly<OperationCanceledException>(() => new Trainer(spec, options).FineTune(_pretrained, other, progress: progress, cancellationToken: cancel.Token));
        }

        Assert.IsTrue(File.Exists(options.CheckpointPath));
        using var fresh = new Trainer(spec, Short(1)).Train(FashionMnist.Train.Take(64));
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => new Trainer(spec, options).FineTune(fresh, other));
        StringAssert.Contains(error.Message, "StartingWeights");
    }

    [TestMethod]
    public void ComparisonMeasuresEveryPolicyAndFlagsCollapseByTheGap()
    {
        var train = FashionMnist.Train.WhereLabel(c => c >= 5).Take(320);
        var test = FashionMnist.Test.WhereLabel(c => c >= 5).Take(128);
        var old = FashionMnist.Test.WhereLabel(c => c < 5).Take(64);
        var policies = Enum.GetValues<BatchNormFineTuning>();
        var outcomes = FineTuningComparison.Run(_pretrained!, train, test, old, Short(4), policies, decay: 0.999);
        Assert.HasCount(policies.Length, outcomes);
        CollectionAssert.AreEqual(policies, outcomes.Select(o => o.Policy).ToArray());
        foreach (var o in outcomes)
        {
            Assert.AreEqual(0.999, o.MovingAverageDecay);
            Assert.AreEqual(4, o.Steps);
            Assert.IsNotNull(o.PretrainedClassesTestAccuracy);
            Assert.AreEqual((o.BatchStatisticsTestAccuracy - o.TestAccuracy) * 100, o.GapPoints, 1e-12);
            Assert.AreEqual(o.GapPoints > FineTuningOutcome.CollapsePoints, o.Collapsed);
        }

        // Frozen statistics train with the moving statistics, so inference sees what training saw.
        var frozen = outcomes.Single(o => o.Policy == BatchNormFineTuning.StatisticsFrozen);
        Assert.IsFalse(frozen.Collapsed);
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
