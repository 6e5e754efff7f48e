using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using TorchSharp.Modules;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Fine-tuning policies: frozen statistics, frozen affine parameters, and that freezing is sticky.</summary>
[TestClass]
public sealed class BatchNormFineTuningTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    private const int Batch = 6;

    /// <summary>conv -> BN (layer 1) -> relu -> flatten -> dense -> BN (layer 5) as logits, on 1 x 4 x 4 images.</summary>
    private sealed class SmallNet : IDisposable
    {
        public SmallNet(int seed)
        {
            torch.manual_seed(seed);
            Conv = nn.Conv2d(1, 2, 3, padding: 1, bias: false);
            First = new BatchNormalization(2, new BatchNormOptions { Scale = true }, 1);
            Dense = nn.Linear(2 * 16, 3, hasBias: false);
            Last = new BatchNormalization(3, new BatchNormOptions { Scale = true }, 5);
            Network = nn.Sequential(("0", Conv), ("1", First), ("2", nn.ReLU()), ("3", nn.Flatten()), ("4", Dense), ("5", Last));
        }

        public Conv2d Conv { get; }

        public BatchNormalization First { get; }

        public Linear Dense { get; }

        public BatchNormalization Last { get; }

        public Sequential Network { get; }

        public float[] Forward(float[] x, int count, bool training)
        {
            Network.train(training);
            using var scope = NewDisposeScope();
            using var noGrad = no_grad();
            return Network.forward(tensor(x, [count, 1, 4, 4])).data<float>().ToArray();
        }

        /// <summary>Adam steps at learning rate 0.01 over every parameter, as the trainer's optimizer holds them.</summary>
        public Adam Train(int steps, Adam? optimizer = null)
        {
            optimizer ??= torch.optim.Adam(Network.parameters(), lr: 0.01);
            Network.train();
            for (int step = 0; step < steps; step++)
            {
                using var scope = NewDisposeScope();
                var x = tensor(BatchNormReference.RandomInput(Batch * 16, seed: 50 + step, offset: 0.5, scale: 0.5), [Batch, 1, 4, 4]);
                optimizer.zero_grad();
                nn.functional.cross_entropy(Network.forward(x), tensor(new long[] { 0, 1, 2, 0, 1, 2 })).backward();
                optimizer.step();
            }

            return optimizer;
        }

        public void Dispose() => Network.Dispose();
    }

    [TestMethod]
    public void FrozenStatisticsStayBitIdenticalAndTrainingModeUsesThem()
    {
        using var net = new SmallNet(seed: 2);
        Write(net.First.RunningMean, new[] { 0.25f, -0.5f });
        Write(net.First.RunningVariance, new float[] { 2, 0.5f });
        net.First.SetFineTuning(BatchNormFineTuning.StatisticsFrozen);
        net.Last.SetFineTuning(BatchNormFineTuning.StatisticsFrozen);
        var statistics = new[] { net.First.RunningMean, net.First.RunningVariance, net.Last.RunningMean, net.Last.RunningVariance }.Select(Read).ToArray();
        var weights = Read(net.Conv.weight!);

        using (net.Train(steps: 3))
        {
        }

        var after = new[] { net.First.RunningMean, net.First.RunningVariance, net.Last.RunningMean, net.Last.RunningVariance }.Select(Read).ToArray();
        for (int i = 0; i < statistics.Length; i++)
        {
            CollectionAssert.AreEqual(statistics[i], after[i], $"statistic {i}");
        }

        CollectionAssert.AreNotEqual(weights, Read(net.Conv.weight!), "the other weights must still train");
        CollectionAssert.AreNotEqual(new float[] { 1, 1 }, Read(net.First.Gamma!), "gamma and beta still train");

        // Training mode now normalizes with the moving statistics: it equals inference mode.
        var x = BatchNormReference.RandomInput(Batch * 16, seed: 99);
        var training = net.Forward(x, Batch, training: true);
        var inference = net.Forward(x, Batch, training: false);
        Assert.IsLessThan(1e-6, BatchNormReference.RelativeError(training, inference.Select(v => (double)v).ToArray()));

        // Frozen statistics never see the batch, so even a dense batch of one is fine.
        net.Forward(x.AsSpan(0, 16).ToArray(), 1, training: true);
    }

    [TestMethod]
    public void FrozenAffineParametersStayBitIdenticalAndTheirOptimizerSlotsUntouched()
    {
        using var net = new SmallNet(seed: 2);
        Write(net.First.Gamma!, new[] { 1.5f, 0.75f });
        Write(net.First.Beta!, new[] { 0.1f, -0.2f });
        net.First.SetFineTuning(BatchNormFineTuning.AffineFrozen);
        Assert.AreEqual(BatchNormFineTuning.AffineFrozen, net.First.FineTuning);
        Assert.AreEqual(BatchNormFineTuning.Full, net.Last.FineTuning);
        var meanBefore = Read(net.First.RunningMean);
        var otherBeta = Read(net.Last.Beta!);

        using var optimizer = net.Train(steps: 3);

        CollectionAssert.AreEqual(new[] { 1.5f, 0.75f }, Read(net.First.Gamma!));
        CollectionAssert.AreEqual(new[] { 0.1f, -0.2f }, Read(net.First.Beta!));
        Assert.IsNull(net.First.Gamma!.grad, "a frozen gamma gets no gradient, so optimizers skip it");
        Assert.IsNull(net.First.Beta!.grad);
        var parameters = net.Network.parameters().ToList();
        var slots = optimizer.state_dict().State;
        var betaSlot = (Adam.State)slots[parameters.FindIndex(p => p.Handle == net.First.Beta!.Handle)];
        var gammaSlot = (Adam.State)slots[parameters.FindIndex(p => p.Handle == net.First.Gamma!.Handle)];
        Assert.IsTrue(Read(betaSlot.exp_avg).All(v => v == 0), "the frozen beta's optimizer slot must stay untouched");
        Assert.IsTrue(Read(gammaSlot.exp_avg_sq).All(v => v == 0));
        Assert.AreEqual(0L, gammaSlot.step);
        CollectionAssert.AreNotEqual(meanBefore, Read(net.First.RunningMean), "the statistics still update");
        CollectionAssert.AreNotEqual(otherBeta, Read(net.Last.Beta!), "the other layer still trains");
    }

    [TestMethod]
    public void FreezingAffineAfterTrainingStopsItDespiteOptimizerMomentum()
    {
        // Adam's slots already hold momentum: a zero gradient would still move gamma; no gradient does not.
        using var net = new SmallNet(seed: 3);
        using var optimizer = net.Train(steps: 2);
        net.Last.SetFineTuning(BatchNormFineTuning.AffineFrozen);
        var gamma = Read(net.Last.Gamma!);
        var beta = Read(net.Last.Beta!);
        net.Train(steps: 2, optimizer);
        CollectionAssert.AreEqual(gamma, Read(net.Last.Gamma!));
        CollectionAssert.AreEqual(beta, Read(net.Last.Beta!));
    }

    [TestMethod]
    public void FreezingIsSticky()
    {
        using var net = new SmallNet(seed: 1);
        net.Last.SetFineTuning(BatchNormFineTuning.StatisticsFrozen);
        var error = Assert.ThrowsExactly<ArgumentException>(() => net.Last.SetFineTuning(BatchNormFineTuning.Full));
        StringAssert.Contains(error.Message, "layer 5 (batch norm)");
        StringAssert.Contains(error.Message, "StatisticsFrozen");
        Assert.AreEqual(BatchNormFineTuning.StatisticsFrozen, net.Last.FineTuning, "a refused call changes nothing");
        Assert.ThrowsExactly<ArgumentException>(() => net.Last.CheckFineTuning(BatchNormFineTuning.AffineFrozen));
        Assert.AreEqual(BatchNormFineTuning.Full, net.First.FineTuning);

        Assert.ThrowsExactly<ArgumentException>(() => net.Last.SetFineTuning(BatchNormFineTuning.AffineFrozen));
        net.Last.SetFineTuning(BatchNormFineTuning.BothFrozen);
        net.Last.SetFineTuning(BatchNormFineTuning.BothFrozen);
        Assert.AreEqual(BatchNormFineTuning.BothFrozen, net.Last.FineTuning);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => net.Last.SetFineTuning((BatchNormFineTuning)9));

        // Setting up an optimizer afterwards must not unfreeze gamma and beta either.
        Write(net.Last.Beta!, new float[] { 1, 2, 3 });
        using (net.Train(steps: 2))
        {
        }

        CollectionAssert.AreEqual(new float[] { 1, 2, 3 }, Read(net.Last.Beta!));
        Assert.IsFalse(net.Last.Gamma!.requires_grad);
    }

    [TestMethod]
    public void TrainingOptionsFineTuningIsValidatedAndFingerprinted()
    {
        var options = new TrainingOptions { FineTuning = BatchNormFineTuning.StatisticsFrozen, Iterations = 2, BatchSize = 4, EvaluateEvery = 0 };
        Assert.AreEqual("StatisticsFrozen", options.Fingerprint()["FineTuning"]);
        Assert.AreEqual("Full", new TrainingOptions().Fingerprint()["FineTuning"]);
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => (options with { FineTuning = (BatchNormFineTuning)9 }).Validate()).Message, "TrainingOptions.FineTuning");
    }
}
