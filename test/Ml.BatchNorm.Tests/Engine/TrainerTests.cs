using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

[TestClass]
public sealed class TrainerTests
{
    // Two threads as on CI; determinism holds for a fixed thread count.
    private static TrainingOptions Quick(long iterations) => new()
    {
        Iterations = iterations,
        BatchSize = 32,
        Threads = 2,
        EvaluateEvery = 0,
        Seed = 7,
    };

    [TestMethod]
    public void DefaultRecipeReachesSeventyPercentAfterOneEpochOnFiveThousandImages()
    {
        var train = FashionMnist.Train.Take(5000);
        var options = new TrainingOptions { Epochs = 1, Threads = 2, EvaluateEvery = 0 };
        using var trained = new Trainer(SeedNetworks.Model1(), options).Train(train);
        var metrics = DatasetLoss.Compute(trained.Network, FashionMnist.Test, FashionMnist.Test.Count);
        Assert.IsGreaterThanOrEqualTo(0.70, metrics.Accuracy, $"test accuracy {metrics.Accuracy:P2}");
    }

    [TestMethod]
    public void SameSeedGivesBitIdenticalWeights()
    {
        var train = FashionMnist.Train.Take(640);
        using var a = new Trainer(SeedNetworks.Model1(), Quick(12)).Train(train);
        using var b = new Trainer(SeedNetworks.Model1(), Quick(12)).Train(train);
        using var c = new Trainer(SeedNetworks.Model1(), Quick(12) with { Seed = 8 }).Train(train);
        AssertSameTensors(a.Network, b.Network);
        CollectionAssert.AreNotEqual(a.Network.ReadTensor("0.weight"), c.Network.ReadTensor("0.weight"));
    }

    [TestMethod]
    [DataRow(0, false)]
    [DataRow(2, true)]
    public void InterruptedRunResumedFromCheckpointEndsBitIdentical(int shift, bool flip)
    {
        using var folder = new TempFolder();
        var train = FashionMnist.Train.Take(640);
        var options = Quick(30) with
        {
            CheckpointPath = folder.File("run.checkpoint"),
            CheckpointEvery = 10,
            Optimizer = OptimizerKind.Adam,
            Augmentation = new ImageAugmentation { MaxShift = shift, HorizontalFlip = flip },
        };

        using var uninterrupted = new Trainer(SeedNetworks.Model1(), options with { CheckpointPath = null }).Train(train);

        using var cancel = new CancellationTokenSource();
        var progress = new Progress(p =>
        {
            if (p.Step == 15)
            {
                cancel.Cancel();
            }
        });
        Assert.ThrowsExactly<OperationCanceledException>(() => new Trainer(SeedNetworks.Model1(), options).Train(train, null, progress, cancel.Token));
        Assert.IsTrue(File.Exists(options.CheckpointPath), "a checkpoint must exist after step 10");

        using var resumed = new Trainer(SeedNetworks.Model1(), options).Train(train);
        Assert.AreEqual(10, resumed.Summary!.ResumedFromStep);
        AssertSameTensors(uninterrupted.Network, resumed.Network);
    }

    [TestMethod]
    public void ResumingWithChangedOptionsIsRefusedNamingThem()
    {
        using var folder = new TempFolder();
        var train = FashionMnist.Train.Take(320);
        var options = Quick(20) with { CheckpointPath = folder.File("run.checkpoint"), CheckpointEvery = 5 };
        using var cancel = new CancellationTokenSource();
        Assert.ThrowsExactly<OperationCanceledException>(() => new Trainer(SeedNetworks.Model1(), options).Train(train, null, new Progress(p => { if (p.Step == 6) { cancel.Cancel(); } }), cancel.Token));

        var changed = options with { LearningRate = 0.01, BatchSize = 16 };
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => new Trainer(SeedNetworks.Model1(), changed).Train(train));
        StringAssert.Contains(error.Message, "LearningRate");
        StringAssert.Contains(error.Message, "BatchSize");
        StringAssert.Contains(error.Message, "--restart");

        using var restarted = new Trainer(SeedNetworks.Model1(), changed with { Restart = true }).Train(train);
        Assert.AreEqual(0, restarted.Summary!.ResumedFromStep);
    }

    [TestMethod]
    public void OptionsAreValidatedWithTheirNames()
    {
        var both = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { Epochs = 1, Iterations = 5 }.Validate());
        StringAssert.Contains(both.Message, "Iterations");
        var batch = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { BatchSize = 0 }.Validate());
        StringAssert.Contains(batch.Message, "BatchSize");
        var lr = Assert.ThrowsExactly<ArgumentException>(() => new TrainingOptions { LearningRate = -1 }.Validate());
        StringAssert.Contains(lr.Message, "LearningRate");
    }

    [TestMethod]
    public void SeedRecipeIsTheSeedDocumentsRecipe()
    {
        var seed = TrainingOptions.SeedRecipe();
        Assert.AreEqual(OptimizerKind.Adagrad, seed.Optimizer);
        Assert.AreEqual(1024, seed.BatchSize);
        Assert.AreEqual(10_000L, seed.Iterations);
        Assert.AreEqual(0.1, seed.LearningRateAt(999, 10_000), 1e-15);
        Assert.AreEqual(0.095, seed.LearningRateAt(1000, 10_000), 1e-15);
        Assert.AreEqual(0.1 * 0.95 * 0.95, seed.LearningRateAt(2500, 10_000), 1e-15);
    }

    [TestMethod]
    public void CosineScheduleFallsFromTheRateToZeroOverThePlannedSteps()
    {
        var cosine = new TrainingOptions { LearningRate = 0.01, Schedule = LearningRateSchedule.Cosine, LearningRateDecay = 0.1 };
        Assert.AreEqual(0.01, cosine.LearningRateAt(0, 100), 1e-15);
        Assert.AreEqual(0.005, cosine.LearningRateAt(50, 100), 1e-15);
        Assert.AreEqual(0.01 * 0.5 * (1 + Math.Cos(Math.PI * 0.99)), cosine.LearningRateAt(99, 100), 1e-15);
        Assert.AreEqual("Cosine", cosine.Fingerprint()[nameof(TrainingOptions.Schedule)]);
        Assert.IsFalse(new TrainingOptions().Fingerprint().ContainsKey(nameof(TrainingOptions.Schedule)));

        // The trainer steps with it: 64 images in batches of 16 are 4 steps a run.
        var reports = new List<TrainingProgress>();
        using var _ = new Trainer(SeedNetworks.Model1(), cosine with { Epochs = 1, BatchSize = 16, Threads = 1 })
            .Train(FashionMnist.Train.Take(64), null, new Progress(reports.Add));
        CollectionAssert.AreEqual(
            Enumerable.Range(0, 4).Select(k => 0.01 * 0.5 * (1 + Math.Cos(Math.PI * k / 4))).ToArray(),
            reports.Select(r => r.LearningRate).ToArray());

        var bad = Assert.ThrowsExactly<ArgumentException>(new TrainingOptions { Schedule = (LearningRateSchedule)7 }.Validate);
        StringAssert.Contains(bad.Message, "TrainingOptions.Schedule must be one of Staircase, Cosine; got 7");
    }

    internal static void AssertSameTensors(Network expected, Network actual)
    {
        foreach (var info in expected.GetTensorInfos().Where(t => t.Role != TensorRole.Optimizer))
        {
            CollectionAssert.AreEqual(expected.ReadTensor(info.Name), actual.ReadTensor(info.Name), $"tensor {info.Name} differs");
        }
    }

    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }
}
