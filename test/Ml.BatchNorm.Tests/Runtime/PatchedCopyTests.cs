using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class PatchedCopyTests
{
    [TestMethod]
    public void WritesACopyAndLeavesTheOriginalFileUnchanged()
    {
        using var folder = new TempFolder();
        string original = folder.File("libLibTorchSharp.so");
        File.Copy(TorchSharpFiles.Require("libLibTorchSharp.so"), original);
        byte[] before = File.ReadAllBytes(original);
        var written = File.GetLastWriteTimeUtc(original);

        var copy = PatchedCopy.Create(original, [folder.File("cache")]);

        Assert.AreEqual(WeakVersionOutcome.Patched, copy.Patch.Outcome);
        StringAssert.StartsWith(copy.Path, folder.File("cache"));
        Assert.AreEqual("libLibTorchSharp.so", Path.GetFileName(copy.Path));
        CollectionAssert.AreEqual(before, File.ReadAllBytes(original));
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(original));
        CollectionAssert.AreEqual(copy.Patch.PatchedImage, File.ReadAllBytes(copy.Path!));
    }

    [TestMethod]
    public void ACopyOfALibraryWithoutTheRequirementIsLeftAloneAndNothingIsWritten()
    {
        using var folder = new TempFolder();
        string original = folder.File("libc10.so");
        File.Copy(TorchSharpFiles.Require("libc10.so"), original);
        byte[] before = File.ReadAllBytes(original);

        var copy = PatchedCopy.Create(original, [folder.File("cache")]);

        Assert.IsNull(copy.Path);
        Assert.AreEqual(WeakVersionOutcome.NotRequired, copy.Patch.Outcome);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(original));
        Assert.IsFalse(Directory.Exists(folder.File("cache")));
    }

    [TestMethod]
    public void ATruncatedFileIsLeftAloneWithAMessageSayingWhatToDo()
    {
        using var folder = new TempFolder();
        string original = folder.File("libLibTorchSharp.so");
        byte[] whole = File.ReadAllBytes(TorchSharpFiles.Require("libLibTorchSharp.so"));
        File.WriteAllBytes(original, whole[..(whole.Length / 2)]);
        byte[] before = File.ReadAllBytes(original);

        var copy = PatchedCopy.Create(original, [folder.File("cache")]);

        Assert.IsNull(copy.Path);
        Assert.AreEqual(WeakVersionOutcome.Damaged, copy.Patch.Outcome);
        CollectionAssert.AreEqual(before, File.ReadAllBytes(original));
        Assert.IsFalse(Directory.Exists(folder.File("cache")));
        StringAssert.Contains(copy.Patch.Message, original);
        StringAssert.Contains(copy.Patch.Message, "dotnet nuget locals global-packages --clear, then dotnet restore");
        StringAssert.Contains(copy.Patch.Message, "GLIBCXX_3.4.32 (GCC 13 or newer)");
    }
}
