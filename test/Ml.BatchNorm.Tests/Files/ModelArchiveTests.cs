using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class ModelArchiveTests
{
    private const string ModelFormat = "mlbn-model";
    private const string WeightsEntry = "weights.bin";

    private string _dir = "";
    private string _path = "";
    private byte[] _weights = [];

    [TestInitialize]
    public void CreateArchive()
    {
        _dir = Directory.CreateTempSubdirectory("mlbn-archive-").FullName;
        _path = Path.Combine(_dir, "resnet-test.mlbn");
        // Random bytes, so any 16-byte window is unique in the file and can be located to corrupt it.
        _weights = new byte[64 * 1024];
        new Random(1234).NextBytes(_weights);
        ModelArchive.Write(_path, ModelFormat, 1, SampleBody(), new Dictionary<string, byte[]>
        {
            [WeightsEntry] = _weights,
            ["labels.txt"] = Encoding.UTF8.GetBytes("cat\ndog\n"),
            ["empty.bin"] = [],
        });
    }

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    private static JsonObject SampleBody() => new()
    {
        ["architecture"] = "resnet-mini",
        ["inputShape"] = new JsonArray(3, 32, 32),
        ["batchNorm"] = new JsonObject { ["momentum"] = 0.1, ["epsilon"] = 1e-5 },
    };

    [TestMethod]
    public void RoundTrip()
    {
        var archive = ModelArchive.Read(_path, ModelFormat, 1);

        Assert.AreEqual(_path, archive.Path);
        Assert.AreEqual(ModelFormat, archive.Format);
        Assert.AreEqual(1, archive.FormatVersion);
        Assert.IsTrue(JsonNode.DeepEquals(SampleBody(), archive.Body), archive.Body.ToJsonString());
        CollectionAssert.AreEqual(_weights, archive.ReadEntry(WeightsEntry));
        Assert.AreEqual("cat\ndog\n", Encoding.UTF8.GetString(archive.ReadEntry("labels.txt")));
        Assert.IsEmpty(archive.ReadEntry("empty.bin"));
        Assert.IsTrue(archive.HasEntry(WeightsEntry));
        Assert.IsFalse(archive.HasEntry(ModelArchive.ManifestEntryName));
        Assert.IsFalse(archive.HasEntry("missing.bin"));
        CollectionAssert.AreEquivalent(new[] { WeightsEntry, "labels.txt", "empty.bin" }, archive.EntryNames.ToArray());
    }

    [TestMethod]
    public void ManifestListsEntriesAndWeightsAreStoredUncompressed()
    {
        using var zip = ZipFile.OpenRead(_path);
        Assert.AreEqual(ModelArchive.ManifestEntryName, zip.Entries[0].FullName);
        var weights = zip.GetEntry(WeightsEntry)!;
        Assert.AreEqual(weights.Length, weights.CompressedLength);

        var manifest = ReadManifest(zip);
        Assert.AreEqual(ModelFormat, (string?)manifest["format"]);
        Assert.AreEqual(1, (int?)manifest["formatVersion"]);
        Assert.IsTrue(DateTime.TryParse((string?)manifest["createdUtc"], out _));
        Assert.AreEqual(_weights.Length, (long?)manifest["entries"]![WeightsEntry]!["length"]);
        Assert.AreEqual(
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(_weights)),
            (string?)manifest["entries"]![WeightsEntry]!["sha256"]);
    }

    [TestMethod]
    public void WriteReplacesAnExistingArchive()
    {
        ModelArchive.Write(_path, ModelFormat, 1, new JsonObject { ["v"] = 2 }, new Dictionary<string, byte[]> { ["x"] = [1] });
        var archive = ModelArchive.Read(_path, ModelFormat, 1);
        Assert.AreEqual(2, (int?)archive.Body["v"]);
        Assert.IsFalse(archive.HasEntry(WeightsEntry));
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void WriteRejectsTheManifestAsAnEntryName() =>
        Assert.ThrowsExactly<ArgumentException>(() => ModelArchive.Write(
            _path, ModelFormat, 1, new JsonObject(), new Dictionary<string, byte[]> { [ModelArchive.ManifestEntryName] = [] }));

    [TestMethod]
    public void ReadingAnUnlistedEntryFails() =>
        AssertFails(() => ModelArchive.Read(_path, ModelFormat, 1).ReadEntry("optimizer.bin"), "it has no entry 'optimizer.bin'");

    [TestMethod]
    public void MissingFile()
    {
        _path = Path.Combine(_dir, "nowhere.mlbn");
        AssertReadFails("the file does not exist");
    }

    [TestMethod]
    public void FolderInsteadOfAFile()
    {
        _path = Path.Combine(_dir, "folder.mlbn");
        Directory.CreateDirectory(_path);
        AssertReadFails("it is a folder; expected a 'mlbn-model' file");
    }

    [TestMethod]
    public void EmptyFile()
    {
        File.WriteAllBytes(_path, []);
        AssertReadFails("the file is empty");
    }

    [TestMethod]
    public void PngFile()
    {
        File.WriteAllBytes(_path, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]);
        AssertReadFails("it is not a 'mlbn-model' file (not a zip archive; it starts with bytes 89504E47)");
    }

    [TestMethod]
    public void TextFile()
    {
        File.WriteAllText(_path, "epoch,loss\n1,0.5\n");
        AssertReadFails("not a zip archive");
    }

    [TestMethod]
    public void ZipWithoutManifest()
    {
        File.Delete(_path);
        using (var zip = ZipFile.Open(_path, ZipArchiveMode.Create))
            zip.CreateEntry("readme.txt");
        AssertReadFails("it is a zip archive without manifest.json; expected a 'mlbn-model' file");
    }

    [TestMethod]
    public void ManifestIsNotJson()
    {
        RewriteManifest(_ => "{ this is not json");
        AssertReadFails("manifest.json is not valid JSON");
    }

    [TestMethod]
    public void ManifestIsNotAnObject()
    {
        RewriteManifest(_ => "[1, 2, 3]");
        AssertReadFails("manifest.json is not a JSON object");
    }

    [TestMethod]
    public void WrongFormat()
    {
        RewriteManifest(m => { m["format"] = "mlbn-checkpoint"; return m.ToJsonString(); });
        AssertReadFails("it is a 'mlbn-checkpoint' file, not a 'mlbn-model' file");
    }

    [TestMethod]
    public void MissingFormat()
    {
        RewriteManifest(m => { m.Remove("format"); return m.ToJsonString(); });
        AssertReadFails("manifest.json has no 'format' string");
    }

    [TestMethod]
    public void NewerFormatVersion()
    {
        RewriteManifest(m => { m["formatVersion"] = 3; return m.ToJsonString(); });
        AssertReadFails("it was written by a newer version (format 3; this build reads up to 1)");
        Assert.AreEqual(3, ModelArchive.Read(_path, ModelFormat, 3).FormatVersion);
    }

    [TestMethod]
    public void ListedEntryMissing()
    {
        using (var zip = ZipFile.Open(_path, ZipArchiveMode.Update))
            zip.GetEntry(WeightsEntry)!.Delete();
        AssertReadFails("entry weights.bin is listed in manifest.json but missing from the archive");
    }

    [TestMethod]
    public void FlippedByteInsideAStoredEntry()
    {
        var bytes = File.ReadAllBytes(_path);
        var at = bytes.AsSpan().IndexOf(_weights.AsSpan(30_000, 16));
        Assert.IsGreaterThan(0, at, "the stored weights should appear verbatim in the file");
        bytes[at + 5] ^= 0x40;
        File.WriteAllBytes(_path, bytes);

        // Either the zip CRC or the manifest checksum catches it, depending on the runtime; both name the entry.
        AssertReadFails("entry weights.bin is corrupted");
    }

    [TestMethod]
    public void EntryReplacedWithSameLengthContent()
    {
        var forged = (byte[])_weights.Clone();
        forged[^1] ^= 1;
        ReplaceEntry(WeightsEntry, forged);
        AssertReadFails("entry weights.bin is corrupted: checksum mismatch");
    }

    [TestMethod]
    public void EntryReplacedWithDifferentLength()
    {
        ReplaceEntry(WeightsEntry, _weights[..1000]);
        AssertReadFails("entry weights.bin is corrupted: length mismatch (manifest says 65536 bytes, archive holds 1000)");
    }

    [TestMethod]
    public void TruncatedFile()
    {
        var bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..(bytes.Length / 2)]);
        AssertReadFails("the file is truncated or damaged");
    }

    [TestMethod]
    public void FileTruncatedByFewBytes()
    {
        var bytes = File.ReadAllBytes(_path);
        File.WriteAllBytes(_path, bytes[..^3]);
        AssertReadFails("the file is truncated or damaged");
    }

    [TestMethod]
    public void RandomBytesStartingLikeAZip()
    {
        var bytes = new byte[4096];
        new Random(7).NextBytes(bytes);
        "PK\u0003\u0004"u8.CopyTo(bytes);
        File.WriteAllBytes(_path, bytes);
        AssertReadFails("the file is truncated or damaged");
    }

    private void AssertReadFails(string expectedReason) =>
        AssertFails(() => ModelArchive.Read(_path, ModelFormat, 1), expectedReason);

    private void AssertFails(Action action, string expectedReason)
    {
        var e = Assert.ThrowsExactly<ModelFileException>(action);
        Assert.AreEqual(_path, e.Path);
        StringAssert.Contains(e.Message, Path.GetFileName(_path));
        StringAssert.Contains(e.Message, expectedReason);
    }

    private static JsonObject ReadManifest(ZipArchive zip)
    {
        using var s = zip.GetEntry(ModelArchive.ManifestEntryName)!.Open();
        return JsonNode.Parse(s)!.AsObject();
    }

    private void RewriteManifest(Func<JsonObject, string> edit)
    {
        using var zip = ZipFile.Open(_path, ZipArchiveMode.Update);
        var text = edit(ReadManifest(zip));
        zip.GetEntry(ModelArchive.ManifestEntryName)!.Delete();
        using var s = zip.CreateEntry(ModelArchive.ManifestEntryName).Open();
        s.Write(Encoding.UTF8.GetBytes(text));
    }

    private void ReplaceEntry(string name, byte[] content)
    {
        using var zip = ZipFile.Open(_path, ZipArchiveMode.Update);
        zip.GetEntry(name)!.Delete();
        using var s = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
        s.Write(content);
    }
}
