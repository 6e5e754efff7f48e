using Ml.BatchNorm.Engine;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Cumulative and warm-up averaging of the moving statistics, checked against closed forms (unbiased batch variances, DESIGN §5).</summary>
[TestClass]
public sealed class BatchNormMovingStatisticsTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    private const double Tolerance = 1e-5;
    private const int Batch = 4, Channels = 3, Spatial = 20;

    private static float[] StepInput(int k) => BatchNormReference.RandomInput(Batch * Channels * Spatial, seed: 200 + k, offset: k - 3, scale: 1 + (0.5 * k));

    [TestMethod]
    public void CumulativeAverageIsTheExactMeanOfTheBatchStatistics()
    {
        const int steps = 6;
        using var layer = Layer(new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage, MovingMeanInitialValue = 7, MovingVarianceInitialValue = 9 });
        var meanSum = new double[Channels];
        var varSum = new double[Channels];
        for (int k = 0; k < steps; k++)
        {
            var x = StepInput(k);
            Forward(layer, x, Images(Batch, Channels), training: true);
            var (m, _, unbiased) = BatchNormReference.Moments(x, Batch, Channels, Spatial);
            for (int c = 0; c < Channels; c++)
            {
                meanSum[c] += m[c];
                varSum[c] += unbiased[c];
            }

            // After k + 1 batches: the mean of their means and of their unbiased variances; the initial values do not count.
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningMean), meanSum.Select(s => s / (k + 1)).ToArray()), $"mean after {k + 1}");
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningVariance), varSum.Select(s => s / (k + 1)).ToArray()), $"variance after {k + 1}");
        }

        CollectionAssert.AreEqual(new float[] { steps }, Read(layer.BatchesTracked!));
    }

    [TestMethod]
    public void WarmUpUsesMinOfDecayAndOnePlusTOverTenPlusT()
    {
        // decay_t = min(0.95, (1 + t) / (10 + t)): 0.1 at t = 0, 2/11 at t = 1, 11/20 at t = 10, and
        // 0.95 from t = 170 on. Checked after the updates at t = 0, 1 and 10.
        const double decay = 0.95;
        using var layer = Layer(new BatchNormOptions { MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp, MovingAverageDecay = decay });
        var mean = new double[Channels];
        var variance = Enumerable.Repeat(1.0, Channels).ToArray();
        var expectedDecays = new Dictionary<int, double> { [0] = 0.1, [1] = 2.0 / 11, [10] = 11.0 / 20 };
        for (int t = 0; t <= 10; t++)
        {
            var x = StepInput(t);
            Forward(layer, x, Images(Batch, Channels), training: true);
            double d = Math.Min(decay, (1.0 + t) / (10.0 + t));
            if (expectedDecays.TryGetValue(t, out double stated))
            {
                Assert.AreEqual(stated, d, 1e-15);
            }

            var (m, _, unbiased) = BatchNormReference.Moments(x, Batch, Channels, Spatial);
            for (int c = 0; c < Channels; c++)
            {
                mean[c] = (d * mean[c]) + ((1 - d) * m[c]);
                variance[c] = (d * variance[c]) + ((1 - d) * unbiased[c]);
            }

            if (expectedDecays.ContainsKey(t))
            {
                Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningMean), mean), $"mean after t = {t}");
                Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningVariance), variance), $"variance after t = {t}");
            }
        }

        CollectionAssert.AreEqual(new float[] { 11 }, Read(layer.BatchesTracked!));
    }

    [TestMethod]
    public void InitialValuesAreApplied()
    {
        var options = new BatchNormOptions { Scale = true, GammaInitialValue = 0.5, BetaInitialValue = -2, MovingMeanInitialValue = 3, MovingVarianceInitialValue = 4 };
        using var layer = Layer(options);
        CollectionAssert.AreEqual(new float[] { 0.5f, 0.5f, 0.5f }, Read(layer.Gamma!));
        CollectionAssert.AreEqual(new float[] { -2, -2, -2 }, Read(layer.Beta!));
        CollectionAssert.AreEqual(new float[] { 3, 3, 3 }, Read(layer.RunningMean));
        CollectionAssert.AreEqual(new float[] { 4, 4, 4 }, Read(layer.RunningVariance));

        // The default mode keeps the tensor set older model files hold: no counter.
        CollectionAssert.AreEqual(new[] { "weight", "bias" }, layer.named_parameters().Select(p => p.name).ToArray());
        CollectionAssert.AreEqual(new[] { "running_mean", "running_var" }, layer.named_buffers().Select(b => b.name).ToArray());
        Assert.IsNull(layer.BatchesTracked);

        // Renorm adds the counter and its own statistics, which start from the moving ones: std = sqrt(var + epsilon).
        using var renorm = Layer(options with { Renorm = true });
        CollectionAssert.AreEqual(new[] { "running_mean", "running_var", "num_batches_tracked", "renorm_mean", "renorm_std" }, renorm.named_buffers().Select(b => b.name).ToArray());
        CollectionAssert.AreEqual(new float[] { 0 }, Read(renorm.BatchesTracked!));
        CollectionAssert.AreEqual(new float[] { 3, 3, 3 }, Read(renorm.RenormMean!));
        CollectionAssert.AreEqual(Enumerable.Repeat((float)Math.Sqrt(4 + 1e-3), 3).ToArray(), Read(renorm.RenormStd!));
    }
}
