using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class WeakVersionPatchTests
{
    private const string Version = WeakVersionPatch.CxxRuntimeVersion;

    [TestMethod]
    public void ThePatchedCopyDiffersFromTheOriginalOnlyInTheFlagsOfThatRequirement()
    {
        string path = TorchSharpFiles.Require("libLibTorchSharp.so");
        byte[] original = File.ReadAllBytes(path);
        byte[] untouched = (byte[])original.Clone();
        var before = ElfImage.Parse(original, path).ReadVersionRequirements();
        var target = before.Single(r => r.Version == Version);
        Assert.IsFalse(target.IsWeak, "TorchSharp 0.107 ships the requirement strong");

        var result = WeakVersionPatch.Apply(original, path);

        Assert.AreEqual(WeakVersionOutcome.Patched, result.Outcome, result.Message);
        CollectionAssert.AreEqual(untouched, original, "the input must not be modified");
        var changed = TorchSharpFiles.Differences(original, result.PatchedImage!);
        Assert.IsTrue(changed.Count > 0);
        Assert.IsTrue(changed.All(i => i == target.FlagsOffset || i == target.FlagsOffset + 1), string.Join(",", changed));

        var after = ElfImage.Parse(result.PatchedImage!, path).ReadVersionRequirements();
        Assert.AreEqual(before.Count, after.Count);
        for (int i = 0; i < before.Count; i++)
        {
            bool isTarget = before[i].Version == Version;
            Assert.AreEqual(before[i].File, after[i].File);
            Assert.AreEqual(before[i].Version, after[i].Version);
            Assert.AreEqual(isTarget ? (ushort)(before[i].Flags | ElfVersionRequirement.WeakFlag) : before[i].Flags, after[i].Flags, before[i].Version);
        }
    }

    [TestMethod]
    public void PatchingTwiceChangesNothingMore()
    {
        string path = TorchSharpFiles.Require("libLibTorchSharp.so");
        var once = WeakVersionPatch.Apply(File.ReadAllBytes(path), path);

        var twice = WeakVersionPatch.Apply(once.PatchedImage!, path);

        Assert.AreEqual(WeakVersionOutcome.AlreadyWeak, twice.Outcome);
        Assert.IsNull(twice.PatchedImage);
    }

    [TestMethod]
    [DataRow("libc10.so")]
    [DataRow("libshm.so")]
    public void ALibraryWithoutTheRequirementIsLeftAlone(string fileName)
    {
        string path = TorchSharpFiles.Require(fileName);
        byte[] bytes = File.ReadAllBytes(path);
        byte[] untouched = (byte[])bytes.Clone();
        var requirements = ElfImage.Parse(bytes, path).ReadVersionRequirements();
        Assert.IsTrue(requirements.Count > 0, "the library has version requirements, so the walk was exercised");
        Assert.IsFalse(requirements.Any(r => r.Version == Version));

        var result = WeakVersionPatch.Apply(bytes, path);

        Assert.AreEqual(WeakVersionOutcome.NotRequired, result.Outcome);
        Assert.IsNull(result.PatchedImage);
        CollectionAssert.AreEqual(untouched, bytes);
    }

    [TestMethod]
    public void AFileThatIsNotElfIsLeftAloneWithAdvice()
    {
        byte[] bytes = "#!/bin/sh\necho this is not a library\n"u8.ToArray();
        byte[] untouched = (byte[])bytes.Clone();

        var result = WeakVersionPatch.Apply(bytes, "script.so");

        Assert.AreEqual(WeakVersionOutcome.Foreign, result.Outcome);
        Assert.IsNull(result.PatchedImage);
        CollectionAssert.AreEqual(untouched, bytes);
        StringAssert.Contains(result.Message, "script.so is not an ELF file");
        StringAssert.Contains(result.Message, "left unchanged");
        StringAssert.Contains(result.Message, "dotnet restore");
    }

    [TestMethod]
    public void A32BitElfFileIsForeign()
    {
        string path = TorchSharpFiles.Require("libLibTorchSharp.so");
        byte[] bytes = File.ReadAllBytes(path);
        bytes[4] = 1;

        var result = WeakVersionPatch.Apply(bytes, path);

        Assert.AreEqual(WeakVersionOutcome.Foreign, result.Outcome);
        StringAssert.Contains(result.Message, "expected 64-bit little-endian");
    }

    [TestMethod]
    [DataRow(40)]
    [DataRow(4096)]
    [DataRow(-4096)]
    public void ATruncatedFileIsReportedAsDamaged(int keep)
    {
        string path = TorchSharpFiles.Require("libLibTorchSharp.so");
        byte[] whole = File.ReadAllBytes(path);
        byte[] bytes = whole[..(keep > 0 ? keep : whole.Length + keep)];
        byte[] untouched = (byte[])bytes.Clone();

        var result = WeakVersionPatch.Apply(bytes, path);

        Assert.AreEqual(WeakVersionOutcome.Damaged, result.Outcome, result.Message);
        Assert.IsNull(result.PatchedImage);
        CollectionAssert.AreEqual(untouched, bytes);
        StringAssert.Contains(result.Message, "truncated");
        StringAssert.Contains(result.Message, "left unchanged");
    }

    [TestMethod]
    public void AVersionTableThatPointsOutsideItselfIsReportedAsDamaged()
    {
        string path = TorchSharpFiles.Require("libLibTorchSharp.so");
        byte[] bytes = File.ReadAllBytes(path);
        var image = ElfImage.Parse(bytes, path);
        var verneed = image.Sections.Single(s => s.Type == 0x6ffffffe);
        // vn_aux of the first Elf64_Verneed entry: point its Vernaux list far past the section.
        int auxField = (int)verneed.Offset + 8;
        BitConverter.TryWriteBytes(bytes.AsSpan(auxField, 4), 0x7fff0000u);

        var result = WeakVersionPatch.Apply(bytes, path);

        Assert.AreEqual(WeakVersionOutcome.Damaged, result.Outcome);
        StringAssert.Contains(result.Message, "outside .gnu.version_r");
    }
}
