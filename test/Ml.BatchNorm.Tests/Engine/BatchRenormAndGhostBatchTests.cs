using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Batch renormalization and ghost batches against the float64 reference: outputs, statistic updates and gradients.</summary>
[TestClass]
public sealed class BatchRenormAndGhostBatchTests
{
    private const double Tolerance = 1e-5;
    private const int Channels = 3, Spatial = 20;

    private static NetworkSpec ConvBatchNorm(BatchNormOptions options) => new(Channels, 4, 5, [new BatchNormLayer(options)]);

    private static double[] D(float[] values) => values.Select(v => (double)v).ToArray();

    private static float[] F(double[] values) => values.Select(v => (float)v).ToArray();

    [TestMethod]
    public void RenormForwardAndStatisticUpdatesMatchFloat64Reference()
    {
        const int batch = 4;
        const double epsilon = 1e-3, decay = 0.9, renormDecay = 0.8;
        var options = new BatchNormOptions { Scale = true, Renorm = true, RenormMaxR = 1.5, RenormMaxD = 0.5, RenormMovingAverageDecay = renormDecay, MovingAverageDecay = decay, Epsilon = epsilon };
        using var network = new Network(ConvBatchNorm(options));
        double[] gamma = [0.5, 2.0, -1.5], beta = [0.1, -0.3, 1.0];
        // Channels 0 and 1 clip r and d; channel 2 (mean near 2, std near 1.7) does not.
        double[] movingMean = [0.5, -3, 1.9], movingStd = [1, 4, 1.6];
        network.WriteTensor("0.weight", F(gamma));
        network.WriteTensor("0.bias", F(beta));
        network.WriteTensor("0.renorm_mean", F(movingMean));
        network.WriteTensor("0.renorm_std", F(movingStd));
        var x = BatchNormReference.RandomInput(batch * Channels * Spatial, seed: 21, offset: 2, scale: 3);

        var y = new float[x.Length];
        network.Forward(x, batch, training: true, step: 0, y);

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
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_mean"), expectedMean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_var"), expectedVar));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.renorm_mean"), expectedRenormMean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.renorm_std"), expectedRenormStd));
        CollectionAssert.AreEqual(new float[] { 1 }, network.ReadTensor("0.num_batches_tracked"));
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
            using var network = new Network(ConvBatchNorm(options));
            network.WriteTensor("0.renorm_mean", F(movingMean));
            network.WriteTensor("0.renorm_std", F(movingStd));
            network.WriteTensor("0.num_batches_tracked", [t]);
            var y = new float[x.Length];
            network.Forward(x, batch, training: true, step: (ulong)t, y);

            double ramp = Math.Min(t / 10.0, 1);
            var renorm = new BatchNormModesReference.Renorm(1 + (2 * ramp), 5 * ramp, movingMean, movingStd);
            var ghosts = BatchNormModesReference.Ghosts(D(x), batch, Channels, Spatial, 0);
            var (r, d) = BatchNormModesReference.RenormFactors(ghosts, epsilon, renorm);
            var expected = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, 0, epsilon, null, null, r, d);
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected), $"t = {t}");
            CollectionAssert.AreEqual(new float[] { t + 1 }, network.ReadTensor("0.num_batches_tracked"));
        }
    }

    [TestMethod]
    public void GhostBatchForwardAndStatisticUpdatesMatchFloat64Reference()
    {
        // A batch of 5 in ghost batches of 2: ghosts of 2, 2 and 1 examples (20 values per channel each).
        const int batch = 5, ghostSize = 2;
        const double epsilon = 1e-3, decay = 0.9;
        var options = new BatchNormOptions { Scale = true, GhostBatchSize = ghostSize, MovingAverageDecay = decay, Epsilon = epsilon };
        using var network = new Network(ConvBatchNorm(options));
        double[] gamma = [0.5, 2.0, -1.5], beta = [0.1, -0.3, 1.0];
        network.WriteTensor("0.weight", F(gamma));
        network.WriteTensor("0.bias", F(beta));
        var x = BatchNormReference.RandomInput(batch * Channels * Spatial, seed: 23, offset: 1, scale: 3);
        for (int i = 0; i < 2 * Channels * Spatial; i++)
        {
            x[i] += 4; // the first ghost batch differs visibly from the others
        }

        var y = new float[x.Length];
        network.Forward(x, batch, training: true, step: 0, y);

        var expected = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, ghostSize, epsilon, gamma, beta);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
        var whole = BatchNormModesReference.Forward(D(x), batch, Channels, Spatial, 0, epsilon, gamma, beta);
        Assert.IsGreaterThan(1e-2, BatchNormReference.RelativeError(y, whole), "ghost batches must differ from whole-batch statistics");

        // Moving statistics: once per step, from the unweighted mean over ghosts of their means and unbiased variances.
        var ghosts = BatchNormModesReference.Ghosts(D(x), batch, Channels, Spatial, ghostSize);
        Assert.HasCount(3, ghosts);
        var meanOfMeans = Enumerable.Range(0, Channels).Select(c => ghosts.Average(g => g.Mean[c])).ToArray();
        var meanOfVars = Enumerable.Range(0, Channels).Select(c => ghosts.Average(g => g.UnbiasedVariance(Spatial)[c])).ToArray();
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_mean"), meanOfMeans.Select(m => (1 - decay) * m).ToArray()));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_var"), meanOfVars.Select(v => decay + ((1 - decay) * v)).ToArray()));
    }

    [TestMethod]
    public void RenormWeightGradientMatchesFiniteDifferencesWithStopGradient()
    {
        var options = new BatchNormOptions { Scale = true, Renorm = true, RenormMaxR = 1.5, RenormMaxD = 0.5 };
        CheckDenseWeightGradient(options, ghostSize: 0, renorm: true);
    }

    [TestMethod]
    public void GhostBatchWeightGradientMatchesFiniteDifferences()
    {
        var options = new BatchNormOptions { Scale = true, GhostBatchSize = 4 };
        CheckDenseWeightGradient(options, ghostSize: 4, renorm: false);
    }

    [TestMethod]
    public void GhostBatchOfOneDenseExampleIsAClearError()
    {
        // A batch of 5 in ghost batches of 2 leaves a last ghost batch of one example: one value per feature.
        var spec = new NetworkSpec(3, 1, 1, [new FlattenLayer(), new BatchNormLayer(new BatchNormOptions { GhostBatchSize = 2 })]);
        using var network = new Network(spec);
        var y = new float[15];
        var error = Assert.ThrowsExactly<NativeException>(() => network.Forward(new float[15], 5, training: true, step: 0, y));
        Assert.IsTrue(error.IsInvalidArgument);
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        StringAssert.Contains(error.Message, "ghost batch 3 of 3");
        StringAssert.Contains(error.Message, "at least two");
        CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, network.ReadTensor("1.running_var"));

        // A batch of 4 divides evenly: fine.
        network.Forward(BatchNormReference.RandomInput(12, seed: 2), 4, training: true, step: 0, y);
        Assert.IsTrue(network.ReadTensor("1.running_var").All(float.IsFinite));
    }

    [TestMethod]
    public void RenormDenseBatchOfOneIsAClearError()
    {
        var spec = new NetworkSpec(3, 1, 1, [new FlattenLayer(), new BatchNormLayer(new BatchNormOptions { Renorm = true })]);
        using var network = new Network(spec);
        var error = Assert.ThrowsExactly<NativeException>(() => network.Forward(new float[3], 1, training: true, step: 0, new float[3]));
        Assert.IsTrue(error.IsInvalidArgument);
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        StringAssert.Contains(error.Message, "at least two");
    }

    [TestMethod]
    public void NonFiniteInputIsAnErrorAndLeavesMovingStatisticsUnchanged()
    {
        foreach (var options in new[] { new BatchNormOptions(), new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage } })
        {
            using var network = new Network(ConvBatchNorm(options));
            var x = BatchNormReference.RandomInput(2 * Channels * Spatial, seed: 5);
            x[3] = float.PositiveInfinity;
            var error = Assert.ThrowsExactly<NativeException>(() => network.Forward(x, 2, training: true, step: 0, new float[x.Length]));
            StringAssert.Contains(error.Message, "layer 0 (batch norm)");
            StringAssert.Contains(error.Message, "NaN or infinite");
            CollectionAssert.AreEqual(new float[] { 0, 0, 0 }, network.ReadTensor("0.running_mean"));
            CollectionAssert.AreEqual(new float[] { 1, 1, 1 }, network.ReadTensor("0.running_var"));
        }
    }

    /// <summary>
    /// flatten -> dense (no bias) -> BN as logits, one SGD step at learning rate 1: the weight change
    /// is the gradient, compared with float64 central differences of the reference loss (r and d held
    /// at their values for the batch, which is what the stop-gradient means).
    /// </summary>
    private static void CheckDenseWeightGradient(BatchNormOptions options, int ghostSize, bool renorm)
    {
        const int batch = 6, inputs = 4, classes = 3;
        var spec = new NetworkSpec(inputs, 1, 1, [new FlattenLayer(), new DenseLayer(classes, UseBias: false, InitStd: 0.5), new BatchNormLayer(options)]);
        using var network = new Network(spec, seed: 7);
        double[] gamma = [1.2, 0.8, -0.5], beta = [0.1, -0.2, 0.3];
        network.WriteTensor("2.weight", F(gamma));
        network.WriteTensor("2.bias", F(beta));
        var x = D(BatchNormReference.RandomInput(batch * inputs, seed: 31, offset: 0.2, scale: 1));
        long[] labels = [0, 1, 2, 2, 1, 0];
        var w0 = D(network.ReadTensor("1.weight"));
        const double epsilon = 1e-3;

        double[][]? r = null, d = null;
        if (renorm)
        {
            // Place the renorm statistics so that channel 0 stays inside the limits and 1 and 2 clip.
            var z = BatchNormModesReference.Dense(x, w0, batch, inputs, classes);
            var g = BatchNormModesReference.Ghosts(z, batch, classes, 1, 0)[0];
            double[] sigmaB = g.BiasedVariance.Select(v => Math.Sqrt(v + epsilon)).ToArray();
            double[] movingStd = [sigmaB[0] * 0.9, sigmaB[1] * 3, sigmaB[2] * 0.2];
            double[] movingMean = [g.Mean[0] - (0.2 * movingStd[0]), g.Mean[1] - (2 * movingStd[1]), g.Mean[2] + movingStd[2]];
            network.WriteTensor("2.renorm_mean", F(movingMean));
            network.WriteTensor("2.renorm_std", F(movingStd));
            // The reference uses the float32 values the network holds.
            var reference = new BatchNormModesReference.Renorm(1.5, 0.5, D(network.ReadTensor("2.renorm_mean")), D(network.ReadTensor("2.renorm_std")));
            (r, d) = BatchNormModesReference.RenormFactors([g], epsilon, reference);
        }

        double Loss(double[] w)
        {
            var z = BatchNormModesReference.Dense(x, w, batch, inputs, classes);
            var y = BatchNormModesReference.Forward(z, batch, classes, 1, ghostSize, epsilon, gamma, beta, r, d);
            return BatchNormModesReference.CrossEntropy(y, labels, batch, classes);
        }

        var expected = new double[w0.Length];
        const double h = 1e-6;
        for (int i = 0; i < w0.Length; i++)
        {
            var plus = (double[])w0.Clone();
            var minus = (double[])w0.Clone();
            plus[i] += h;
            minus[i] -= h;
            expected[i] = (Loss(plus) - Loss(minus)) / (2 * h);
        }

        network.SetOptimizer(NativeOptimizerKind.Sgd, 0, 0, 0, 0, 0, nesterov: false);
        var images = F(x);
        (float loss, _) = network.TrainStep(images, labels, batch, learningRate: 1.0, step: 0);
        Assert.AreEqual(Loss(w0), loss, 1e-5, "the step's loss must equal the reference loss");
        var w1 = D(network.ReadTensor("1.weight"));
        var gradient = w0.Zip(w1, (a, b) => (float)(a - b)).ToArray();
        Assert.IsLessThan(1e-3, BatchNormReference.RelativeError(gradient, expected));
    }
}
