using System.IO.Compression;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;
using Ml.BatchNorm.Onnx;
using Ml.BatchNorm.Onnx.Proto;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>Files that are not our models give one clear <see cref="ModelFileException"/> naming the file.</summary>
[TestClass]
public sealed class OnnxBadFileTests
{
    private static readonly Lazy<byte[]> GoodModel = new(() =>
    {
        using var network = new Network(SeedNetworks.Model2(), seed: 2);
        return OnnxNetworkWriter.ToBytes(network, new OnnxNetworkOptions { IncludeSlotNames = false });
    });

    [TestMethod]
    public void MissingFile_SaysItDoesNotExist() =>
        AssertRefused(folder => folder.File("absent.onnx"), "does not exist");

    [TestMethod]
    public void EmptyFile_SaysItIsEmpty() =>
        AssertRefused(folder => Write(folder, "empty.onnx", []), "empty");

    [TestMethod]
    public void TextFile_IsNeitherOnnxNorMlNet() =>
        AssertRefused(folder => Write(folder, "notes.onnx", "these are not the weights you are looking for\n"u8.ToArray()), "neither an ML.NET model file (zip) nor an ONNX model");

    [TestMethod]
    public void TruncatedOnnx_IsReported() =>
        AssertRefused(folder => Write(folder, "cut.onnx", GoodModel.Value[..(GoodModel.Value.Length / 2)]), "truncated");

    [TestMethod]
    public void ForeignOnnx_LacksOurMetadata()
    {
        var model = ModelProto.Parse(GoodModel.Value);
        model.MetadataProps.Clear();
        AssertRefused(folder => Write(folder, "foreign.onnx", model.ToByteArray()), $"not one written by Ml.BatchNorm: metadata '{OnnxMetadataKeys.Format}'");
    }

    [TestMethod]
    public void NewerFormatVersion_AsksForAnUpdate()
    {
        var model = ModelProto.Parse(GoodModel.Value);
        int i = model.MetadataProps.FindIndex(p => p.Key == OnnxMetadataKeys.FormatVersion);
        model.MetadataProps[i] = new StringStringEntryProto(OnnxMetadataKeys.FormatVersion, (OnnxMetadataKeys.CurrentFormatVersion + 1).ToString());
        AssertRefused(folder => Write(folder, "future.onnx", model.ToByteArray()), $"format version {OnnxMetadataKeys.CurrentFormatVersion + 1} by a newer Ml.BatchNorm");
    }

    [TestMethod]
    public void MissingTensor_IsNamed()
    {
        var model = ModelProto.Parse(GoodModel.Value);
        model.Graph!.Initializers.RemoveAll(t => t.Name == "0.weight");
        AssertRefused(folder => Write(folder, "partial.onnx", model.ToByteArray()), "tensor '0.weight' of the network is missing");
    }

    [TestMethod]
    public void TruncatedZip_IsReported()
    {
        byte[] zip = ZipWith(("Model/OnnxTransform/OnnxModel", Framed(GoodModel.Value)));
        AssertRefused(folder => Write(folder, "cut.zip", zip[..(zip.Length * 2 / 3)]), "damaged or truncated");
    }

    [TestMethod]
    public void ZipWithoutOnnxModel_IsReported() =>
        AssertRefused(folder => Write(folder, "other.zip", ZipWith(("Model/Model.key", "x"u8.ToArray()))), "holds no ONNX model");

    [TestMethod]
    public void ZipWhoseOnnxEntryIsCut_IsReported()
    {
        byte[] framed = Framed(GoodModel.Value);
        AssertRefused(folder => Write(folder, "short.zip", ZipWith(("Model/OnnxTransform/OnnxModel", framed[..^10]))), "truncated or damaged");
    }

    [TestMethod]
    public void ZipWithOurOnnxModel_Reads()
    {
        using var folder = new TempFolder();
        string path = Write(folder, "model.zip", ZipWith(("Model/OnnxTransform/OnnxModel", Framed(GoodModel.Value))));
        using var model = OnnxNetworkReader.Read(path);
        Assert.AreEqual(SeedNetworks.Model2().ToJson(), model.Info.Spec.ToJson());
    }

    private static void AssertRefused(Func<TempFolder, string> makeFile, string expected)
    {
        using var folder = new TempFolder();
        string path = makeFile(folder);
        var e = Assert.ThrowsExactly<ModelFileException>(() => OnnxNetworkReader.Read(path));
        StringAssert.Contains(e.Message, path);
        StringAssert.Contains(e.Message, expected);
        Assert.IsFalse(e.Message.Contains('\n'), $"one line: {e.Message}");
    }

    private static string Write(TempFolder folder, string name, byte[] bytes)
    {
        string path = folder.File(name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Framed(byte[] onnx) => [.. BitConverter.GetBytes(onnx.Length), .. onnx];

    private static byte[] ZipWith(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
