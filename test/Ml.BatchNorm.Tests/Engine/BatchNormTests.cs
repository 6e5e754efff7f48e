using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static Ml.BatchNorm.Tests.Engine.BatchNormHarness;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

[TestClass]
public sealed class BatchNormTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    private const double Tolerance = 1e-5;

    [TestMethod]
    public void TrainingModeOutputMatchesFloat64Reference_Convolutional()
    {
        const int batch = 6, channels = 3, spatial = 20;
        var options = new BatchNormOptions { Center = true, Scale = true, Epsilon = 1e-3 };
        using var layer = Layer(options);
        var gamma = new[] { 0.5, 2.0, -1.5 };
        var beta = new[] { 0.1, -0.3, 1.0 };
        Write(layer.Gamma!, gamma);
        Write(layer.Beta!, beta);
        var x = BatchNormReference.RandomInput(batch * channels * spatial, seed: 3, offset: 2, scale: 3);

        var y = Forward(layer, x, Images(batch, channels), training: true);

        // Training mode normalizes with the biased batch variance (divide by n).
        var (mean, biased, _) = BatchNormReference.Moments(x, batch, channels, spatial);
        var expected = BatchNormReference.Normalize(x, batch, channels, spatial, mean, biased, 1e-3, gamma, beta);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
    }

    [TestMethod]
    public void TrainingModeOutputMatchesFloat64Reference_DenseWithoutScale()
    {
        const int batch = 5, features = 7;
        var options = new BatchNormOptions { Center = true, Scale = false, Epsilon = 0.01 };
        using var layer = Layer(options, channels: features, layerIndex: 1);
        var beta = Enumerable.Range(0, features).Select(i => (i * 0.25) - 0.5).ToArray();
        Write(layer.Beta!, beta);
        Assert.IsNull(layer.Gamma, "scale off must not create gamma");
        Assert.IsFalse(HasTensor(layer, "weight"), "scale off must not create gamma");
        var x = BatchNormReference.RandomInput(batch * features, seed: 4, offset: -1, scale: 5);

        var y = Forward(layer, x, [batch, features], training: true);

        var (mean, biased, _) = BatchNormReference.Moments(x, batch, features, 1);
        var expected = BatchNormReference.Normalize(x, batch, features, 1, mean, biased, 0.01, null, beta);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
    }

    [TestMethod]
    public void MovingStatisticsAfterKStepsEqualClosedFormAverage()
    {
        // After k steps: m_k = d^k m_0 + sum_j (1 - d) d^(k-j) mean_j, and likewise for the variance
        // with the UNBIASED batch variance (divide by n - 1), PyTorch's and TensorFlow's fused
        // kernel's convention. m_0 = 0, v_0 = 1.
        const int batch = 4, channels = 3, spatial = 20, steps = 7;
        const double decay = 0.9;
        using var layer = Layer(new BatchNormOptions { MovingAverageDecay = decay });
        var mean = new double[channels];
        var variance = Enumerable.Repeat(1.0, channels).ToArray();
        for (int k = 0; k < steps; k++)
        {
            var x = BatchNormReference.RandomInput(batch * channels * spatial, seed: 100 + k, offset: k, scale: 1 + k);
            Forward(layer, x, Images(batch, channels), training: true);
            var (m, _, unbiased) = BatchNormReference.Moments(x, batch, channels, spatial);
            for (int c = 0; c < channels; c++)
            {
                mean[c] = (decay * mean[c]) + ((1 - decay) * m[c]);
                variance[c] = (decay * variance[c]) + ((1 - decay) * unbiased[c]);
            }
        }

        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningMean), mean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(Read(layer.RunningVariance), variance));
    }

    [TestMethod]
    public void InferenceModeUsesMovingStatisticsAndNeverChangesThem()
    {
        const int batch = 3, channels = 3, spatial = 20;
        using var layer = Layer(new BatchNormOptions());
        var movingMean = new float[] { 1, -2, 0.5f };
        var movingVar = new float[] { 4, 0.25f, 9 };
        Write(layer.RunningMean, movingMean);
        Write(layer.RunningVariance, movingVar);
        var x = BatchNormReference.RandomInput(batch * channels * spatial, seed: 9);

        var y = Forward(layer, x, Images(batch, channels), training: false);

        var expected = BatchNormReference.Normalize(x, batch, channels, spatial, movingMean.Select(v => (double)v).ToArray(), movingVar.Select(v => (double)v).ToArray(), 1e-3, null, null);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
        CollectionAssert.AreEqual(movingMean, Read(layer.RunningMean));
        CollectionAssert.AreEqual(movingVar, Read(layer.RunningVariance));
    }

    [TestMethod]
    public void InferenceOutputOfAnImageDoesNotDependOnItsBatchButTrainingOutputDoes()
    {
        // The seed network's shape in small: conv -> BN -> relu -> pool -> flatten -> dense -> BN -> relu -> dense.
        torch.manual_seed(5);
        using var network = nn.Sequential(
            ("0", nn.Conv2d(1, 4, 5, padding: 2, bias: false)),
            ("1", new BatchNormalization(4, new BatchNormOptions(), 1)),
            ("2", nn.ReLU()),
            ("3", nn.MaxPool2d(2)),
            ("4", nn.Flatten()),
            ("5", nn.Linear(4 * 14 * 14, 16, hasBias: false)),
            ("6", new BatchNormalization(16, new BatchNormOptions(), 6)),
            ("7", nn.ReLU()),
            ("8", nn.Linear(16, 10)));
        const int batch = 8, size = 28 * 28;
        var images = BatchNormReference.RandomInput(batch * size, seed: 11, offset: 0.5, scale: 0.5);
        var other = BatchNormReference.RandomInput(batch * size, seed: 12, offset: 0.3, scale: 0.7);
        images.AsSpan(0, size).CopyTo(other); // same first image, different companions
        float[] Run(float[] x, int count, bool training)
        {
            network.train(training);
            using var scope = NewDisposeScope();
            using var grad = no_grad();
            return network.forward(tensor(x.AsSpan(0, count * size).ToArray(), [count, 1, 28, 28])).data<float>().ToArray();
        }

        // Warm the moving statistics so inference mode is not trivially the identity.
        Run(other, batch, training: true);

        var alone = Run(images, 1, training: false);
        var inBatch = Run(images, batch, training: false);
        var inOtherBatch = Run(other, batch, training: false);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(inBatch.AsSpan(0, alone.Length).ToArray(), alone.Select(v => (double)v).ToArray()));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(inOtherBatch.AsSpan(0, alone.Length).ToArray(), alone.Select(v => (double)v).ToArray()));

        // Training mode: the BN statistics differ between the two batches.
        var trainA = Run(images, batch, training: true);
        var trainB = Run(other, batch, training: true);
        double difference = BatchNormReference.RelativeError(trainA.AsSpan(0, alone.Length).ToArray(), trainB.AsSpan(0, alone.Length).ToArray().Select(v => (double)v).ToArray());
        Assert.IsGreaterThan(1e-2, difference, "training-mode output of an image must depend on the rest of its batch");
    }

    [TestMethod]
    public void DenseBatchNormWithTrainingBatchOfOneIsAClearError()
    {
        using var layer = Layer(new BatchNormOptions(), channels: 4, layerIndex: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => Forward(layer, new float[4], [1, 4], training: true));
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        StringAssert.Contains(error.Message, "at least two");
        Assert.IsTrue(Read(layer.RunningVariance).All(float.IsFinite));

        // A convolutional BN with one image has height x width values per channel: fine.
        using var conv = Layer(new BatchNormOptions());
        var output = Forward(conv, BatchNormReference.RandomInput(60, seed: 1), Images(1, 3), training: true);
        Assert.IsTrue(output.All(float.IsFinite));
    }

    [TestMethod]
    public void DecayIsValidatedWithTheOptionName()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => new BatchNormOptions { MovingAverageDecay = 1.0 }.Validate());
        StringAssert.Contains(error.Message, "MovingAverageDecay");
        Assert.ThrowsExactly<ArgumentException>(() => new BatchNormOptions { MovingAverageDecay = -0.1 }.Validate());
        Assert.ThrowsExactly<ArgumentException>(() => new BatchNormOptions { Epsilon = 0 }.Validate());
        Assert.AreEqual(0.9, BatchNormOptions.FromPyTorchMomentum(0.1).MovingAverageDecay, 1e-12);

        // The module validates its options when built.
        StringAssert.Contains(Assert.ThrowsExactly<ArgumentException>(() => new BatchNormalization(3, new BatchNormOptions { MovingAverageDecay = 1.0 }, 0)).Message, "MovingAverageDecay");
    }
}
