using System.Buffers.Binary;
using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>
/// ML.NET's own ONNX transformer runs the graph: class names arrive as Score's slot names (before and
/// after ML.NET saves and reloads the model), scores match the engine, and the ML.NET model file holds
/// the ONNX bytes unchanged, which the reader finds.
/// </summary>
[TestClass]
public sealed class MlNetOnnxTests
{
    private const int Rows = 20;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void ApplyOnnxModel_AttachesSlotNamesScoresAsTheEngineAndSavesTheGraphUnchanged()
    {
        using var network = new Network(SeedNetworks.Model1(), seed: 4);
        string[] labels = FashionMnist.Test.LabelNames.ToArray();
        using var folder = new TempFolder();
        string onnxPath = folder.File("net.onnx");
        OnnxNetworkWriter.Write(network, onnxPath, new OnnxNetworkOptions { LabelNames = labels });

        float[] images = OnnxTestNetworks.TestImages(Rows);
        int pixels = network.InputSize;
        var ml = new MLContext(seed: 1);
        IDataView data = ml.Data.LoadFromEnumerable(Enumerable.Range(0, Rows).Select(i => new ImageRow { Features = images[(i * pixels)..((i + 1) * pixels)] }).ToList());
        ITransformer model = ml.Transforms.ApplyOnnxModel(["Score", "PredictedIndex"], ["Features"], onnxPath).Fit(data);

        IDataView scored = model.Transform(data);
        AssertSlotNames(scored, labels);
        float[] expected = OnnxTestNetworks.EngineScores(network, images, Rows);
        float[] actual = scored.GetColumn<float[]>("Score").SelectMany(r => r).ToArray();
        Assert.IsTrue(OnnxTestNetworks.RelativeError(actual, expected) < 1e-5, "ML.NET's scores differ from the engine's");
        long[] index = scored.GetColumn<long[]>("PredictedIndex").Select(r => r.Single()).ToArray();
        for (int r = 0; r < Rows; r++)
        {
            Assert.AreEqual(OnnxTestNetworks.ArgMax(actual.AsSpan(r * labels.Length, labels.Length)), (int)index[r], $"row {r}");
        }

        string zipPath = folder.File("model.zip");
        ml.Model.Save(model, data.Schema, zipPath);
        byte[] payload = OnnxEntry(zipPath);
        Assert.AreEqual(payload.Length - 4, BinaryPrimitives.ReadInt32LittleEndian(payload), "a little-endian int32 length comes first");
        CollectionAssert.AreEqual(File.ReadAllBytes(onnxPath), payload[4..], "ML.NET keeps the ONNX bytes unchanged");

        using (var read = OnnxNetworkReader.Read(zipPath))
        {
            OnnxRoundTripTests.AssertSameTensors(network, read.Network);
            CollectionAssert.AreEqual(labels, read.Info.LabelNames!.ToArray());
        }

        ITransformer reloaded = ml.Model.Load(zipPath, out _);
        AssertSlotNames(reloaded.Transform(data), labels);
    }

    private static void AssertSlotNames(IDataView scored, string[] labels)
    {
        var column = scored.Schema["Score"];
        Assert.IsTrue(column.HasSlotNames(), "Score has no slot names");
        VBuffer<ReadOnlyMemory<char>> names = default;
        column.GetSlotNames(ref names);
        CollectionAssert.AreEqual(labels, names.DenseValues().Select(n => n.ToString()).ToArray());
    }

    private byte[] OnnxEntry(string zipPath)
    {
        using var zip = ZipFile.OpenRead(zipPath);
        TestContext.WriteLine("ML.NET model file entries: " + string.Join(", ", zip.Entries.Select(e => $"{e.FullName} ({e.Length} bytes)")));
        var entry = zip.Entries.Single(e => e.FullName.EndsWith("OnnxModel", StringComparison.Ordinal));
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    }

    private sealed class ImageRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }
}
