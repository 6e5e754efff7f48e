using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Cumulative and warm-up averaging of the moving statistics, checked against closed forms (unbiased batch variances, DESIGN §5).</summary>
[TestClass]
public sealed class BatchNormMovingStatisticsTests
{
    private const double Tolerance = 1e-5;
    private const int Batch = 4, Channels = 3, Spatial = 20;

    private static NetworkSpec ConvBatchNorm(BatchNormOptions options) => new(Channels, 4, 5, [new BatchNormLayer(options)]);

    private static float[] StepInput(int k) => BatchNormReference.RandomInput(Batch * Channels * Spatial, seed: 200 + k, offset: k - 3, scale: 1 + (0.5 * k));

    [TestMethod]
    public void CumulativeAverageIsTheExactMeanOfTheBatchStatistics()
    {
        const int steps = 6;
        using var network = new Network(ConvBatchNorm(new BatchNormOptions { MovingStatistics = MovingStatistics.CumulativeAverage, MovingMeanInitialValue = 7, MovingVarianceInitialValue = 9 }));
        var meanSum = new double[Channels];
        var varSum = new double[Channels];
        var y = new float[Batch * Channels * Spatial];
        for (int k = 0; k < steps; k++)
        {
            var x = StepInput(k);
            network.Forward(x, Batch, training: true, step: (ulong)k, y);
            var (m, _, unbiased) = BatchNormReference.Moments(x, Batch, Channels, Spatial);
            for (int c = 0; c < Channels; c++)
            {
                meanSum[c] += m[c];
                varSum[c] += unbiased[c];
            }

            // After k + 1 batches: the mean of their means and of their unbiased variances; the initial values do not count.
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_mean"), meanSum.Select(s => s / (k + 1)).ToArray()), $"mean after {k + 1}");
            Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_var"), varSum.Select(s => s / (k + 1)).ToArray()), $"variance after {k + 1}");
        }

        CollectionAssert.AreEqual(new float[] { steps }, network.ReadTensor("0.num_batches_tracked"));
    }

    [TestMethod]
    public void WarmUpUsesMinOfDecayAndOnePlusTOverTenPlusT()
    {
        // decay_t = min(0.95, (1 + t) / (10 + t)): 0.1 at t = 0, 2/11 at t = 1, 11/20 at t = 10, and
        // 0.95 from t = 170 on. Checked after the updates at t = 0, 1 and 10.
        const double decay = 0.95;
        using var network = new Network(ConvBatchNorm(new BatchNormOptions { MovingStatistics = MovingStatistics.ExponentialAverageWithWarmUp, MovingAverageDecay = decay }));
        var mean = new double[Channels];
        var variance = Enumerable.Repeat(1.0, Channels).ToArray();
        var expectedDecays = new Dictionary<int, double> { [0] = 0.1, [1] = 2.0 / 11, [10] = 11.0 / 20 };
        var y = new float[Batch * Channels * Spatial];
        for (int t = 0; t <= 10; t++)
        {
            var x = StepInput(t);
            network.Forward(x, Batch, training: true, step: (ulong)t, y);
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
                Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_mean"), mean), $"mean after t = {t}");
                Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_var"), variance), $"variance after t = {t}");
            }
        }

        CollectionAssert.AreEqual(new float[] { 11 }, network.ReadTensor("0.num_batches_tracked"));
    }

    [TestMethod]
    public void InitialValuesAreApplied()
    {
        var options = new BatchNormOptions { Scale = true, GammaInitialValue = 0.5, BetaInitialValue = -2, MovingMeanInitialValue = 3, MovingVarianceInitialValue = 4 };
        using var network = new Network(ConvBatchNorm(options));
        CollectionAssert.AreEqual(new float[] { 0.5f, 0.5f, 0.5f }, network.ReadTensor("0.weight"));
        CollectionAssert.AreEqual(new float[] { -2, -2, -2 }, network.ReadTensor("0.bias"));
        CollectionAssert.AreEqual(new float[] { 3, 3, 3 }, network.ReadTensor("0.running_mean"));
        CollectionAssert.AreEqual(new float[] { 4, 4, 4 }, network.ReadTensor("0.running_var"));
        // The default mode keeps the tensor set older model files hold: no counter.
        Assert.IsFalse(network.GetTensorInfos().Any(t => t.Name.EndsWith("num_batches_tracked", StringComparison.Ordinal)));
    }
}
