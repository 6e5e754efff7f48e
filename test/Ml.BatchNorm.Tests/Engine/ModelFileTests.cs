using System.IO.Compression;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Engine;

[TestClass]
public sealed class ModelFileTests
{
    private static TrainedNetwork SmallModel()
    {
        var spec = new NetworkSpec(1, 6, 6, [new ConvolutionLayer(2, 3), new BatchNormLayer(new BatchNormOptions()), new ReluLayer(), new FlattenLayer(), new DenseLayer(3)]);
        return new TrainedNetwork(new Network(spec, seed: 3), ["a", "b", "c"], null);
    }

    [TestMethod]
    public void RoundTripKeepsSpecLabelsWeightsAndStatistics()
    {
        using var folder = new TempFolder();
        using var model = SmallModel();
        model.Network.WriteTensor("1.running_mean", new float[] { 0.25f, -0.5f });
        string path = folder.File("m.zip");
        ModelFile.Save(model, path);
        using var loaded = ModelFile.Load(path);
        Assert.AreEqual(model.Network.Spec.ToJson(), loaded.Network.Spec.ToJson());
        CollectionAssert.AreEqual(new[] { "a", "b", "c" }, loaded.LabelNames.ToArray());
        TrainerTests.AssertSameTensors(model.Network, loaded.Network);
        Assert.IsFalse(Directory.GetFiles(folder.Path).Any(f => f.EndsWith(".tmp", StringComparison.Ordinal)), "no temp files left behind");
    }

    [TestMethod]
    public void TruncatedFileIsAClearError()
    {
        using var folder = new TempFolder();
        using var model = SmallModel();
        string path = folder.File("m.zip");
        ModelFile.Save(model, path);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(path));
        StringAssert.Contains(error.Message, path);
    }

    [TestMethod]
    public void CorruptedWeightsFailTheChecksum()
    {
        using var folder = new TempFolder();
        using var model = SmallModel();
        string path = folder.File("m.zip");
        ModelFile.Save(model, path);
        // Weights are stored uncompressed: flip a byte near the end of the weights entry's data.
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Update))
        {
            var entry = zip.GetEntry(ModelFile.WeightsEntry)!;
            byte[] data;
            using (var s = entry.Open())
            using (var copy = new MemoryStream())
            {
                s.CopyTo(copy);
                data = copy.ToArray();
            }

            data[^3] ^= 0x40;
            entry.Delete();
            using var w = zip.CreateEntry(ModelFile.WeightsEntry, CompressionLevel.NoCompression).Open();
            w.Write(data);
        }

        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(path));
        StringAssert.Contains(error.Message, "checksum");
        StringAssert.Contains(error.Message, ModelFile.WeightsEntry);
    }

    [TestMethod]
    public void ForeignFileIsAClearError()
    {
        using var folder = new TempFolder();
        string path = folder.File("notes.zip");
        File.WriteAllText(path, "this is not a model");
        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(path));
        StringAssert.Contains(error.Message, "not a zip archive");

        var missing = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(folder.File("absent.zip")));
        StringAssert.Contains(missing.Message, "does not exist");
    }

    [TestMethod]
    public void NewerFormatAndCheckpointFilesAreRefusedByName()
    {
        using var folder = new TempFolder();
        string newer = folder.File("newer.zip");
        ModelArchive.Write(newer, ModelFile.Format, ModelFile.FormatVersion + 1, new System.Text.Json.Nodes.JsonObject(), new Dictionary<string, byte[]>());
        var error = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(newer));
        StringAssert.Contains(error.Message, "newer version");

        string checkpoint = folder.File("run.checkpoint");
        ModelArchive.Write(checkpoint, TrainingCheckpoint.Format, 1, new System.Text.Json.Nodes.JsonObject(), new Dictionary<string, byte[]>());
        var wrongKind = Assert.ThrowsExactly<ModelFileException>(() => ModelFile.Load(checkpoint));
        StringAssert.Contains(wrongKind.Message, "'mlbn-checkpoint' file, not a 'mlbn-model'");
    }

    [TestMethod]
    public void SavingOverAnExistingFileIsAtomic()
    {
        using var folder = new TempFolder();
        string path = folder.File("m.zip");
        File.WriteAllText(path, "previous content");
        Assert.ThrowsExactly<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[1000]);
            throw new InvalidOperationException("crash mid-write");
        }));
        Assert.AreEqual("previous content", File.ReadAllText(path));
        Assert.AreEqual(1, Directory.GetFiles(folder.Path).Length, "the temp file is removed");
    }

    [TestMethod]
    public void WeightsArePyTorchStateDictNames()
    {
        using var model = SmallModel();
        var names = model.Network.GetTensorInfos().Select(t => t.Name).ToArray();
        CollectionAssert.AreEquivalent(new[] { "0.weight", "1.bias", "1.running_mean", "1.running_var", "4.weight", "4.bias" }, names);
    }
}
