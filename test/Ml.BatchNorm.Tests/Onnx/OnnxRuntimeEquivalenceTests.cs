using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>ONNX Runtime scoring the written graph agrees with the engine's own inference-mode scores.</summary>
[TestClass]
public sealed class OnnxRuntimeEquivalenceTests
{
    private const int Rows = 1000;
    private const double Tolerance = 1e-5;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Model1_ScoresAsTheEngine() => AssertScoresAsEngine(SeedNetworks.Model1());

    [TestMethod]
    public void Model2_ScoresAsTheEngine() => AssertScoresAsEngine(SeedNetworks.Model2());

    [TestMethod]
    public void Model1WithoutCenteringWithScaleAndSmallEpsilon_ScoresAsTheEngine() =>
        AssertScoresAsEngine(SeedNetworks.Model1(OnnxTestNetworks.InferenceChangingOptions));

    private void AssertScoresAsEngine(NetworkSpec spec)
    {
        using var trained = OnnxTestNetworks.Train(spec);
        var network = trained.Network;
        if (spec.HasBatchNorm)
        {
            var mean = network.ReadTensor("1.running_mean");
            Assert.IsTrue(mean.Any(v => Math.Abs(v) > 1e-3), "training left the moving means at their initial values: the check would not see them");
        }

        float[] images = OnnxTestNetworks.TestImages(Rows);
        float[] expected = OnnxTestNetworks.EngineScores(network, images, Rows);
        var options = new OnnxNetworkOptions { LabelNames = trained.LabelNames };
        var outputs = OnnxRuntimeScoring.Run(OnnxNetworkWriter.ToBytes(network, options), options.InputName, images, Rows);

        var score = (float[])outputs["Score"];
        double error = OnnxTestNetworks.RelativeError(score, expected);
        TestContext.WriteLine($"ONNX Runtime vs engine: {error:E2} norm-wise on {Rows} rows");
        Assert.IsTrue(error < Tolerance, $"ONNX Runtime's scores differ from the engine's by {error:E3} norm-wise (limit {Tolerance:E0}).");

        var index = (long[])outputs["PredictedIndex"];
        Assert.AreEqual(Rows, index.Length);
        int k = network.OutputSize;
        for (int r = 0; r < Rows; r++)
        {
            var row = expected.AsSpan(r * k, k);
            int engine = OnnxTestNetworks.ArgMax(row);
            // Only a near tie between the two best classes may be broken differently.
            if (index[r] != engine)
            {
                Assert.AreEqual(row[engine], row[(int)index[r]], 1e-6f, $"row {r}: predicted index {index[r]}, the engine's {engine}");
            }
        }

        CollectionAssert.AreEqual(new long[] { 0 }, (long[])outputs["mlnet.Score.unusedOutput"], "the slot-name node maps its key to index 0");
    }
}
