using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Tests.Engine;

[TestClass]
public sealed class BatchNormTests
{
    private const double Tolerance = 1e-5;

    private static NetworkSpec ConvBatchNorm(BatchNormOptions options, int channels = 3, int height = 4, int width = 5) =>
        new(channels, height, width, [new BatchNormLayer(options)]);

    private static NetworkSpec DenseBatchNorm(BatchNormOptions options, int features) =>
        new(features, 1, 1, [new FlattenLayer(), new BatchNormLayer(options)]);

    [TestMethod]
    public void TrainingModeOutputMatchesFloat64Reference_Convolutional()
    {
        const int batch = 6, channels = 3, spatial = 20;
        var options = new BatchNormOptions { Center = true, Scale = true, Epsilon = 1e-3 };
        using var network = new Network(ConvBatchNorm(options));
        var gamma = new[] { 0.5, 2.0, -1.5 };
        var beta = new[] { 0.1, -0.3, 1.0 };
        network.WriteTensor("0.weight", gamma.Select(v => (float)v).ToArray());
        network.WriteTensor("0.bias", beta.Select(v => (float)v).ToArray());
        var x = BatchNormReference.RandomInput(batch * channels * spatial, seed: 3, offset: 2, scale: 3);

        var y = new float[x.Length];
        network.Forward(x, batch, training: true, step: 0, y);

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
        using var network = new Network(DenseBatchNorm(options, features));
        var beta = Enumerable.Range(0, features).Select(i => (i * 0.25) - 0.5).ToArray();
        network.WriteTensor("1.bias", beta.Select(v => (float)v).ToArray());
        Assert.IsFalse(network.GetTensorInfos().Any(t => t.Name == "1.weight"), "scale off must not create gamma");
        var x = BatchNormReference.RandomInput(batch * features, seed: 4, offset: -1, scale: 5);

        var y = new float[x.Length];
        network.Forward(x, batch, training: true, step: 0, y);

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
        using var network = new Network(ConvBatchNorm(new BatchNormOptions { MovingAverageDecay = decay }));
        var mean = new double[channels];
        var variance = Enumerable.Repeat(1.0, channels).ToArray();
        var y = new float[batch * channels * spatial];
        for (int k = 0; k < steps; k++)
        {
            var x = BatchNormReference.RandomInput(y.Length, seed: 100 + k, offset: k, scale: 1 + k);
            network.Forward(x, batch, training: true, step: (ulong)k, y);
            var (m, _, unbiased) = BatchNormReference.Moments(x, batch, channels, spatial);
            for (int c = 0; c < channels; c++)
            {
                mean[c] = (decay * mean[c]) + ((1 - decay) * m[c]);
                variance[c] = (decay * variance[c]) + ((1 - decay) * unbiased[c]);
            }
        }

        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_mean"), mean));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(network.ReadTensor("0.running_var"), variance));
    }

    [TestMethod]
    public void InferenceModeUsesMovingStatisticsAndNeverChangesThem()
    {
        const int batch = 3, channels = 3, spatial = 20;
        using var network = new Network(ConvBatchNorm(new BatchNormOptions()));
        var movingMean = new float[] { 1, -2, 0.5f };
        var movingVar = new float[] { 4, 0.25f, 9 };
        network.WriteTensor("0.running_mean", movingMean);
        network.WriteTensor("0.running_var", movingVar);
        var x = BatchNormReference.RandomInput(batch * channels * spatial, seed: 9);

        var y = new float[x.Length];
        network.Forward(x, batch, training: false, step: 0, y);

        var expected = BatchNormReference.Normalize(x, batch, channels, spatial, movingMean.Select(v => (double)v).ToArray(), movingVar.Select(v => (double)v).ToArray(), 1e-3, null, null);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(y, expected));
        CollectionAssert.AreEqual(movingMean, network.ReadTensor("0.running_mean"));
        CollectionAssert.AreEqual(movingVar, network.ReadTensor("0.running_var"));
    }

    [TestMethod]
    public void InferenceOutputOfAnImageDoesNotDependOnItsBatchButTrainingOutputDoes()
    {
        using var network = new Network(SeedNetworks.Model1(), seed: 5);
        const int batch = 8;
        int size = network.InputSize;
        var images = BatchNormReference.RandomInput(batch * size, seed: 11, offset: 0.5, scale: 0.5);
        var other = BatchNormReference.RandomInput(batch * size, seed: 12, offset: 0.3, scale: 0.7);
        images.AsSpan(0, size).CopyTo(other); // same first image, different companions

        // Warm the moving statistics so inference mode is not trivially the identity.
        var scratch = new float[batch * network.OutputSize];
        network.Forward(other, batch, training: true, step: 0, scratch);

        var alone = new float[network.OutputSize];
        var inBatch = new float[batch * network.OutputSize];
        var inOtherBatch = new float[batch * network.OutputSize];
        network.Score(images.AsSpan(0, size), 1, alone);
        network.Score(images, batch, inBatch);
        network.Score(other, batch, inOtherBatch);
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(inBatch.AsSpan(0, alone.Length).ToArray(), alone.Select(v => (double)v).ToArray()));
        Assert.IsLessThan(Tolerance, BatchNormReference.RelativeError(inOtherBatch.AsSpan(0, alone.Length).ToArray(), alone.Select(v => (double)v).ToArray()));

        // Training mode (dropout off by using the same step keeps masks equal; BN statistics differ).
        var trainA = new float[batch * network.OutputSize];
        var trainB = new float[batch * network.OutputSize];
        network.Forward(images, batch, training: true, step: 1, trainA);
        network.Forward(other, batch, training: true, step: 1, trainB);
        double difference = BatchNormReference.RelativeError(trainA.AsSpan(0, alone.Length).ToArray(), trainB.AsSpan(0, alone.Length).ToArray().Select(v => (double)v).ToArray());
        Assert.IsGreaterThan(1e-2, difference, "training-mode output of an image must depend on the rest of its batch");
    }

    [TestMethod]
    public void DenseBatchNormWithTrainingBatchOfOneIsAClearError()
    {
        using var network = new Network(DenseBatchNorm(new BatchNormOptions(), features: 4));
        var y = new float[4];
        var error = Assert.ThrowsExactly<NativeException>(() => network.Forward(new float[4], 1, training: true, step: 0, y));
        StringAssert.Contains(error.Message, "at least two");
        Assert.IsTrue(error.IsInvalidArgument);
        Assert.IsTrue(network.ReadTensor("1.running_var").All(float.IsFinite));

        // A convolutional BN with one image has height x width values per channel: fine.
        using var conv = new Network(ConvBatchNorm(new BatchNormOptions()));
        var image = BatchNormReference.RandomInput(60, seed: 1);
        var output = new float[60];
        conv.Forward(image, 1, training: true, step: 0, output);
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
    }
}
