using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Recalibration ("precise BN"): the moving statistics become the exact statistics of the data.</summary>
[TestClass]
public sealed class BatchNormRecalibrationTests
{
    private const int Rows = 12, Height = 4, Width = 4;

    private static ImageDataset Data(int seed)
    {
        var pixels = new byte[Rows * Height * Width];
        new Random(seed).NextBytes(pixels);
        var labels = Enumerable.Range(0, Rows).Select(i => (byte)(i % 3)).ToArray();
        return ImageDataset.FromBytes(pixels, labels, Height, Width, ["a", "b", "c"], "memory");
    }

    // BN straight on the pixels (layer 0), so its exact statistics are the dataset's; then conv -> BN -> dense.
    private static NetworkSpec Spec() => new(1, Height, Width,
    [
        new BatchNormLayer(new BatchNormOptions { Scale = true }),
        new ConvolutionLayer(2, 3),
        new BatchNormLayer(new BatchNormOptions()),
        new FlattenLayer(),
        new DropoutLayer(0.5),
        new DenseLayer(3),
    ]);

    [TestMethod]
    public void RecalibrationReproducesTheExactDatasetMeanAndUnbiasedVariance()
    {
        var data = Data(seed: 6);
        using var network = new Network(Spec(), seed: 3);
        var weights = network.GetTensorInfos().Where(t => t.Role == TensorRole.Parameter).ToDictionary(t => t.Name, t => network.ReadTensor(t.Name));

        // Batches of 5 with one pass drop the last 2 rows; batches of 4 cover every row once.
        long rows = network.RecalibrateBatchNorm(data, batchSize: 4);
        Assert.AreEqual(Rows, rows);

        var values = new List<double>();
        var row = new float[Height * Width];
        for (int i = 0; i < Rows; i++)
        {
            data.CopyImage(i, row);
            values.AddRange(row.Select(v => (double)v));
        }

        double mean = values.Average();
        double variance = values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1);
        Assert.AreEqual(mean, network.ReadTensor("0.running_mean")[0], 1e-6);
        Assert.AreEqual(variance, network.ReadTensor("0.running_var")[0], 1e-6);
        Assert.AreNotEqual(0f, network.ReadTensor("2.running_mean")[0], "every batch-norm layer is recalibrated");
        foreach (var (name, before) in weights)
        {
            CollectionAssert.AreEqual(before, network.ReadTensor(name), $"{name} must not change");
        }
    }

    [TestMethod]
    public void RecalibrationAlsoAppliesToFrozenStatistics()
    {
        var data = Data(seed: 7);
        using var a = new Network(Spec(), seed: 3);
        using var b = new Network(Spec(), seed: 3);
        b.SetBatchNormFineTuning(BatchNormFineTuning.StatisticsFrozen);
        a.RecalibrateBatchNorm(data, batchSize: 6, batches: 2);
        b.RecalibrateBatchNorm(data, batchSize: 6, batches: 2);
        CollectionAssert.AreEqual(a.ReadTensor("2.running_var"), b.ReadTensor("2.running_var"));
        CollectionAssert.AreNotEqual(new float[] { 1, 1 }, b.ReadTensor("2.running_var"));
    }

    [TestMethod]
    public void AFailedBatchLeavesTheStatisticsUnchanged()
    {
        // A dense batch norm with batches of one image cannot measure anything.
        var spec = new NetworkSpec(1, Height, Width, [new FlattenLayer(), new BatchNormLayer(new BatchNormOptions()), new DenseLayer(3)]);
        using var network = new Network(spec);
        var error = Assert.ThrowsExactly<ArgumentException>(() => network.RecalibrateBatchNorm(Data(seed: 8), batchSize: 1));
        StringAssert.Contains(error.Message, "layer 1 (batch norm)");
        Assert.IsTrue(network.ReadTensor("1.running_var").All(v => v == 1));

        // Scoring still runs in inference mode afterwards.
        var probabilities = new float[3];
        network.Score(new float[Height * Width], 1, probabilities);
        Assert.AreEqual(1.0, probabilities.Sum(), 1e-5);
    }
}
