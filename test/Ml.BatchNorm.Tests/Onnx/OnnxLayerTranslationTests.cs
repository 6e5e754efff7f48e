using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>
/// Every layer kind and option the graph translates, on a non-square two-channel input with random
/// weights and statistics: strided "same" convolutions with uneven padding, valid convolutions, biases,
/// batch norm after a dense layer (rank 2), ReLU, CReLU, overlapping pooling, dropout.
/// </summary>
[TestClass]
public sealed class OnnxLayerTranslationTests
{
    [TestMethod]
    public void EveryLayerKind_ScoresAsTheEngineInOnnxRuntime()
    {
        var spec = new NetworkSpec(2, 13, 10,
        [
            new ConvolutionLayer(8, 4, Stride: 2, UseBias: true),
            new BatchNormLayer(new BatchNormOptions { Scale = true, Epsilon = 1e-4 }),
            new ReluLayer(),
            new MaxPoolLayer(3, 1),
            new ConvolutionLayer(6, 3, SamePadding: false),
            new CReluLayer(),
            new FlattenLayer(),
            new DenseLayer(20, UseBias: false),
            new BatchNormLayer(new BatchNormOptions { Center = false }),
            new ReluLayer(),
            new DropoutLayer(0.5),
            new DenseLayer(7),
        ]);
        using var network = new Network(spec, seed: 11);
        var random = new Random(5);
        foreach (var t in network.GetTensorInfos().Where(t => t.Role is TensorRole.Parameter or TensorRole.Statistic))
        {
            bool positive = t.Name.EndsWith("running_var", StringComparison.Ordinal);
            var values = Enumerable.Range(0, (int)t.ElementCount)
                .Select(_ => positive ? (float)(0.2 + random.NextDouble()) : (float)(random.NextDouble() - 0.5))
                .ToArray();
            network.WriteTensor(t.Name, values);
        }

        const int rows = 64;
        float[] images = Enumerable.Range(0, rows * network.InputSize).Select(_ => (float)random.NextDouble()).ToArray();
        float[] expected = OnnxTestNetworks.EngineScores(network, images, rows);
        var options = new OnnxNetworkOptions { IncludeSlotNames = false };
        var outputs = OnnxRuntimeScoring.Run(OnnxNetworkWriter.ToBytes(network, options), options.InputName, images, rows);
        double error = OnnxTestNetworks.RelativeError((float[])outputs["Score"], expected);
        Assert.IsTrue(error < 1e-5, $"ONNX Runtime's scores differ from the engine's by {error:E3} norm-wise.");
    }
}
