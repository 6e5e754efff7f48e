using System.Text.Json;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>Writer → reader gives back the spec, the metadata and bit-identical tensors.</summary>
[TestClass]
public sealed class OnnxRoundTripTests
{
    [TestMethod]
    public void Model1_ReadsBackIdentical() => AssertRoundTrip(SeedNetworks.Model1(OnnxTestNetworks.InferenceChangingOptions), train: true);

    [TestMethod]
    public void Model2_ReadsBackIdentical() => AssertRoundTrip(SeedNetworks.Model2(), train: false);

    [TestMethod]
    public void RenormAndCumulativeStatistics_KeepTheTensorsTheGraphDoesNotUse()
    {
        var bn = new BatchNormOptions { Renorm = true, MovingStatistics = MovingStatistics.CumulativeAverage };
        AssertRoundTrip(SeedNetworks.Model1(bn), train: true);
    }

    [TestMethod]
    public void ExportGraph_ReadsBackIdenticalToo()
    {
        using var network = new Network(SeedNetworks.Model2(), seed: 3);
        using var folder = new TempFolder();
        string path = folder.File("net.onnx");
        OnnxNetworkWriter.Write(network, path, new OnnxNetworkOptions { IncludeSlotNames = false }.ForOtherRuntimes());
        using var read = OnnxNetworkReader.Read(path);
        AssertSameTensors(network, read.Network);
        Assert.IsNull(read.Info.LabelNames);
        Assert.AreEqual(new OnnxGraphNames("Features", "Score", null), read.Info.GraphNames);
    }

    [TestMethod]
    public void DefaultOptionsWithoutLabelNames_WriteNoSlotNameNodeAndNoMlDomain()
    {
        using var network = new Network(SeedNetworks.Model2(), seed: 3);
        var model = Ml.BatchNorm.Onnx.Proto.ModelProto.Parse(OnnxNetworkWriter.ToBytes(network));
        CollectionAssert.AreEqual(new[] { "Score", "PredictedIndex" }, model.Graph!.Outputs.Select(o => o.Name).ToArray());
        CollectionAssert.AreEqual(new[] { "" }, model.OpsetImports.Select(o => o.Domain).ToArray(), "only the standard domain");
        Assert.AreEqual(OnnxNetworkWriter.StandardOpset, model.OpsetImports[0].Version);
        Assert.IsFalse(model.Graph.Nodes.Any(n => n.OpType == "Dropout"), "inference graphs leave dropout out");
        Assert.AreEqual(0, model.Graph.Nodes.Count(n => n.OpType == "BatchNormalization"), "model2 has no batch norm");
        using var bn = new Network(SeedNetworks.Model1(), seed: 3);
        var withBn = Ml.BatchNorm.Onnx.Proto.ModelProto.Parse(OnnxNetworkWriter.ToBytes(bn));
        var batchNorms = withBn.Graph!.Nodes.Where(n => n.OpType == "BatchNormalization").Select(n => n.Name).ToList();
        Assert.AreEqual(3, batchNorms.Count(n => !n.EndsWith("_negated", StringComparison.Ordinal)), "every batch norm stays a node: " + string.Join(", ", batchNorms));
        Assert.AreEqual(3, batchNorms.Count(n => n.EndsWith("_negated", StringComparison.Ordinal)), "each batch norm before a CReLU has its negated twin: " + string.Join(", ", batchNorms));
        Assert.IsFalse(withBn.Graph.Nodes.Any(n => n.OpType == "Neg"), "the negated twins replace Neg");
    }

    private static void AssertRoundTrip(NetworkSpec spec, bool train)
    {
        using var trained = train ? OnnxTestNetworks.Train(spec) : null;
        using var fresh = train ? null : new Network(spec, seed: 5);
        Network network = trained?.Network ?? fresh!;
        string[] labels = Enumerable.Range(0, network.OutputSize).Select(i => $"class {i} ✓").ToArray();
        string trainingJson = JsonSerializer.Serialize(OnnxTestNetworks.Options);
        using var folder = new TempFolder();
        string path = folder.File("model.onnx");
        var options = new OnnxNetworkOptions { LabelNames = labels, TrainingOptionsJson = trainingJson, PredictedIndexName = "Index", ScoreName = "Probabilities" };
        OnnxNetworkWriter.Write(network, path, options);
        Assert.AreEqual(1, Directory.GetFiles(folder.Path).Length, "the atomic write leaves no temporary file");

        using var read = OnnxNetworkReader.Read(path);
        Assert.AreEqual(spec.ToJson(), read.Network.Spec.ToJson());
        Assert.AreEqual(spec.ToJson(), read.Info.Spec.ToJson());
        CollectionAssert.AreEqual(labels, read.Info.LabelNames!.ToArray());
        Assert.AreEqual(trainingJson, read.Info.TrainingOptionsJson);
        Assert.AreEqual(OnnxMetadataKeys.CurrentFormatVersion, read.Info.FormatVersion);
        Assert.AreEqual(new OnnxGraphNames("Features", "Probabilities", "Index"), read.Info.GraphNames);
        AssertSameTensors(network, read.Network);

        var info = OnnxNetworkReader.ReadInfo(path);
        Assert.AreEqual(spec.ToJson(), info.Spec.ToJson());
    }

    internal static void AssertSameTensors(Network expected, Network actual)
    {
        var wanted = expected.GetTensorInfos().Where(t => t.Role is TensorRole.Parameter or TensorRole.Statistic).ToList();
        var got = actual.GetTensorInfos().Where(t => t.Role is TensorRole.Parameter or TensorRole.Statistic).ToList();
        CollectionAssert.AreEqual(wanted.Select(t => t.Name).ToArray(), got.Select(t => t.Name).ToArray());
        foreach (var t in wanted)
        {
            float[] a = expected.ReadTensor(t.Name);
            float[] b = actual.ReadTensor(t.Name);
            // Bit-identical: compare the bit patterns, so that NaN or -0 could not hide a difference.
            CollectionAssert.AreEqual(a.Select(BitConverter.SingleToInt32Bits).ToArray(), b.Select(BitConverter.SingleToInt32Bits).ToArray(), $"tensor {t.Name}");
        }
    }
}
