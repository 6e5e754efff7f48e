using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Batch renormalization and ghost batches against the float64 reference: outputs, statistic updates and gradients.</summary>
[TestClass]
public sealed class BatchRenormAndGhostBatchTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    private const double Tolerance = 1e-5;
    private const int Channels = 3, Spatial = 20;

    private static double[] D(float[] values) => values.Select(v => (double)v).ToArray();

    private static float[] F(double[] values) => values.Select(v => (float)v).ToArray();

    [TestMethod]
    public void RenormForwardAndStatisticUpdatesMatchFloat64Reference()
    {
        const int batch = 4;
        const double epsilon = 1e-3, decay = 0.9, renormDecay = 0.8;
        var options = new BatchNormOptions { Scale = true, Renorm = true, RenormMaxR = 1.5, RenormMaxD = 0.5, RenormMovingAverageDecay = renormDecay, MovingAverageDecay = decay, Epsilon = epsilon };
        using var layer = Layer(options);
        double[] gamma = [0.5, 2.0, -1.5], beta = [0.1, -0.3, 1.0];
        // Channels 0 and 1 clip r and d; channel 2 (mean near 2, std near 1.7) does not.
        double[] movingMean = [0.5, -3, 1.9], movingStd = [1, 4, 1.6];
        Write(layer.Gamma!, gamma);
        Write(layer.Beta!, beta);
        Write(layer.RenormMean!, movingMean);
        Write(layer.RenormStd!, movingStd);
        var x = BatchNormReference.RandomInput(batch * Channels * Spatial, seed: 21, offset: 2, scale: 3);

        var y = Forward(layer, x, Images(batch, Channels), training: true);

        var ghosts = BatchNormModesReference.Ghosts(D(x), batch, Channels, Spatial, 0);
        var renorm = new BatchNormModesReference.Renorm(1.5, 0.5, D(F(movingMean)), D(F(movingStd)));
        var (r, d) = BatchNormModesReference.RenormFactors(ghosts, epsilon, renorm);
        Assert.AreEqual(1.5, r[0][0], 1e-12, "channel 0 must clip r");
        Assert.IsTrue(r[0][2] > 1 / 1.5 && r[0][2] < 1.5 && Math.Abs(d[0][2]) < 0.5, "channel 2 must not clip");
        var expected = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, 0, epsilon, gamma, beta, r, d);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));

        // Inference statistics: the ordinary decay with the unbiased variance; renorm statistics: their
        // own decay with the batch standard deviation sqrt(biased variance + epsilon).
        var g = ghosts[0];
        var unbiased = g.UnbiasedVariance(Spatial);
        var expectedMean = g.Mean.Select(m => (1 - decay) * m).ToArray();
        var expectedVar = unbiased.Select(v => decay + ((1 - decay) * v)).ToArray();
        var expectedRenormMean = Enumerable.Range(0, Channels).Select(c => (renormDecay * movingMean[c]) + ((1 - renormDecay) * g.Mean[c])).ToArray();
        var expectedRenormStd = Enumerable.Range(0, Channels).Select(c => (renormDecay * movingStd[c]) + ((1 - renormDecay) * Math.Sqrt(g.BiasedVariance[c] + epsilon))).ToArray();
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningMean), expectedMean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningVariance), expectedVar));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RenormMean!), expectedRenormMean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RenormStd!), expectedRenormStd));
        CollectionAssert.AreEqual(new float[] { 1 }, Read(layer.BatchesTracked!));
    }

    [TestMethod]
    public void RenormLimitsRampOverWarmUpSteps()
    {
        // rmax = 1 + (3 - 1) * min(t / 10, 1) and dmax = 5 * min(t / 10, 1) at update t.
        const int batch = 4;
        const double epsilon = 1e-3;
        var options = new BatchNormOptions { Renorm = true, RenormMaxR = 3, RenormMaxD = 5, RenormWarmUpSteps = 10, Epsilon = epsilon };
        double[] movingMean = [10, -10, 0], movingStd = [0.1, 20, 1];
        var x = BatchNormReference.RandomInput(batch * Channels * Spatial, seed: 22, offset: 1, scale: 2);
        foreach (int t in new[] { 0, 5, 10, 15 })
        {
            using var layer = Layer(options);
            Write(layer.RenormMean!, movingMean);
            Write(layer.RenormStd!, movingStd);
            Write(layer.BatchesTracked!, new float[] { t });
            var y = Forward(layer, x, Images(batch, Channels), training: true);

            double ramp = Math.Min(t / 10.0, 1);
            var renorm = new BatchNormModesReference.Renorm(1 + (2 * ramp), 5 * ramp, movingMean, movingStd);
            var ghosts = BatchNormModesReference.Ghosts(D(x), batch, Channels, Spatial, 0);
            var (r, d) = BatchNormModesReference.RenormFactors(ghosts, epsilon, renorm);
            var expected = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, 0, epsilon, null, null, r, d);
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected), $"t = {t}");
            CollectionAssert.AreEqual(new float[] { t + 1 }, Read(layer.BatchesTracked!));
        }
    }

    [TestMethod]
    public void GhostBatchForwardAndStatisticUpdatesMatchFloat64Reference()
    {
        // A batch of 5 in ghost batches of 2: ghosts of 2, 2 and 1 examples (20 values per channel each).
        const int batch = 5, ghostSize = 2;
        const double epsilon = 1e-3, decay = 0.9;
        var options = new BatchNormOptions { Scale = true, GhostBatchSize = ghostSize, MovingAverageDecay = decay, Epsilon = epsilon };
        using var layer = Layer(options);
        double[] gamma = [0.5, 2.0, -1.5], beta = [0.1, -0.3, 1.0];
        Write(layer.Gamma!, gamma);
        Write(layer.Beta!, beta);
        var x = BatchNormReference.RandomInput(batch * Channels * Spatial, seed: 23, offset: 1, scale: 3);
        for (int i = 0; i < 2 * Channels * Spatial; i++)
        {
            x[i] += 4; // the first ghost batch differs visibly from the others
        }

        var y = Forward(layer, x, Images(batch, Channels), training: true);

        var expected = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, ghostSize, epsilon, gamma, beta);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
        var whole = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, 0, epsilon, gamma, beta);
        Assert.IsGreaterThan(1e-2, BatchNormReference.RelativeError(y, whole), "ghost batches must differ from whole-batch statistics");

        // Moving statistics: once per step, from the unweighted mean over ghosts of their means and unbiased variances.
        var ghosts = BatchNormModesReference.Ghosts(D(x), batch, Channels, Spatial, ghostSize);
        Assert.HasCount(3, ghosts);
        var meanOfMeans = Enumerable.Range(0, Channels).Select(c => ghosts.Average(g => g.Mean[c])).ToArray();
        var meanOfVars = Enumerable.Range(0, Channels).Select(c => ghosts.Average(g => g.UnbiasedVariance(Spatial)[c])).ToArray();
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningMean), meanOfMeans.Select(m => (1 - decay) * m).ToArray()));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningVariance), meanOfVars.Select(v => decay + ((1 - decay) * v)).ToArray()));
    }

    [TestMethod]
    public void RenormWeightGradientMatchesFiniteDifferencesWithStopGradient()
    {
        var options = new BatchNormOptions { Scale = true, Renorm = true, RenormMaxR = 1.5, RenormMaxD = 0.5 };
        DenseGradientCheck.Run(options, ghostSize: 0, renorm: true, float32, tolerance: 1e-3);
        DenseGradientCheck.Run(options, ghostSize: 0, renorm: true, float64, tolerance: 1e-6);
    }

    [TestMethod]
    public void GhostBatchWeightGradientMatchesFiniteDifferences()
    {
        var options = new BatchNormOptions { Scale = true, GhostBatchSize = 4 };
        DenseGradientCheck.Run(options, ghostSize: 4, renorm: false, float32, tolerance: 1e-3);
        DenseGradientCheck.Run(options, ghostSize: 4, renorm: false, float64, tolerance: 1e-6);
    }

    [TestMethod]
    public void DefaultModeWeightGradientMatchesFiniteDifferences()
    {
        // The fused path (libtorch's batch-norm kernel) and the composed path (warm-up averaging) alike.
        DenseGradientCheck.Run(new BatchNormOptions { Scale = true }, ghostSize: 0, renorm: false, float64, tolerance: 1e-6);
        DenseGradientCheck.Run(new BatchNormOptions { Scale = true, MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp }, ghostSize: 0, renorm: false, float64, tolerance: 1e-6);
    }

    [TestMethod]
    public void GhostBatchOfOneDenseExampleIsAClearError()
    {
        // A batch of 5 in ghost batches of 2 leaves a last ghost batch of one example: one value per feature.
        using var layer = Layer(new BatchNormOptions { GhostBatchSize = 2 }, channels: 3, layerIndex: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[15], [5, 3], training: true));
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        StringAssert.Contains(error.Message, "ghost batch 3 of 3");
        StringAssert.Contains(error.Message, "at least two");
        CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, Read(layer.RunningVariance));

        // A batch of 4 divides evenly: fine.
        Forward(layer, BatchNormReference.RandomInput(12, seed: 2), [4, 3], training: true);
        Assert.IsTrue(Read(layer.RunningVariance).All(float.IsFinite));
    }

    [TestMethod]
    public void RenormDenseBatchOfOneIsAClearError()
    {
        using var layer = Layer(new BatchNormOptions { Renorm = true }, channels: 3, layerIndex: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[3], [1, 3], training: true));
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        StringAssert.Contains(error.Message, "at least two");
        CollectionAssert.AreEqual(new float[] { 0 }, Read(layer.BatchesTracked!));
    }

    [TestMethod]
    public void NonFiniteInputIsAnErrorAndLeavesMovingStatisticsUnchanged()
    {
        foreach (var options in new[] { new BatchNormOptions(), new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage } })
        {
            using var layer = Layer(options);
            var x = BatchNormReference.RandomInput(2 * Channels * Spatial, seed: 5);
            x[3] = float.PositiveInfinity;
            var error = Assert.ThrowsExactly<InvalidOperationException>(() => Forward(layer, x, Images(2, Channels), training: true));
            StringAssert.Contains(error.Message, "layer 0 (batch norm)");
            StringAssert.Contains(error.Message, "NaN or infinite");
            CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, Read(layer.RunningMean));
            CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, Read(layer.RunningVariance));
        }
    }
}
