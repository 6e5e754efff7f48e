using System.Text.Json;
using Microsoft.ML.OnnxRuntime;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>The metadata is standard ONNX: another reader (ONNX Runtime) sees the producer, spec and class names.</summary>
[TestClass]
public sealed class OnnxRuntimeMetadataTests
{
    [TestMethod]
    public void OnnxRuntime_SeesTheProducerSpecAndLabelNames()
    {
        var spec = SeedNetworks.Model2();
        using var network = new Network(spec, seed: 2);
        string[] labels = Enumerable.Range(0, network.OutputSize).Select(i => $"c{i}").ToArray();
        byte[] model = OnnxNetworkWriter.ToBytes(network, new OnnxNetworkOptions { LabelNames = labels, TrainingOptionsJson = "{\"epochs\":2}" });

        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        var metadata = session.ModelMetadata;
        Assert.AreEqual("Ml.BatchNorm", metadata.ProducerName);
        var map = metadata.CustomMetadataMap;
        Assert.AreEqual(OnnxMetadataKeys.FormatName, map[OnnxMetadataKeys.Format]);
        Assert.AreEqual(spec.ToJson(), map[OnnxMetadataKeys.NetworkSpec]);
        CollectionAssert.AreEqual(labels, JsonSerializer.Deserialize<string[]>(map[OnnxMetadataKeys.LabelNames]));
        Assert.AreEqual("{\"epochs\":2}", map[OnnxMetadataKeys.TrainingOptions]);
        CollectionAssert.AreEquivalent(new[] { "Features" }, session.InputNames.ToArray());
        CollectionAssert.AreEquivalent(new[] { "Score", "PredictedIndex", "mlnet.Score.unusedOutput" }, session.OutputNames.ToArray());
    }
}
