using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class PatchedLibraryCacheTests
{
    [TestMethod]
    public void StoresOneCopyPerOriginalAndReusesIt()
    {
        using var folder = new TempFolder();
        byte[] original = [1, 2, 3];
        byte[] patched = [1, 2, 4];

        string first = PatchedLibraryCache.Store(original, patched, "libX.so", [folder.Path]);
        var written = File.GetLastWriteTimeUtc(first);
        string second = PatchedLibraryCache.Store(original, patched, "libX.so", [folder.Path]);
        string other = PatchedLibraryCache.Store([9], patched, "libX.so", [folder.Path]);

        Assert.AreEqual(first, second);
        Assert.AreEqual(written, File.GetLastWriteTimeUtc(second), "an identical copy is reused, not rewritten");
        Assert.AreNotEqual(Path.GetDirectoryName(first), Path.GetDirectoryName(other));
        CollectionAssert.AreEqual(patched, File.ReadAllBytes(first));
        Assert.AreEqual(1, Directory.GetFiles(Path.GetDirectoryName(first)!).Length, "no temporary file is left behind");
    }

    [TestMethod]
    public void ReplacesADamagedCopy()
    {
        using var folder = new TempFolder();
        string path = PatchedLibraryCache.Store([1], [5, 6, 7], "libX.so", [folder.Path]);
        File.WriteAllBytes(path, [5]);

        string again = PatchedLibraryCache.Store([1], [5, 6, 7], "libX.so", [folder.Path]);

        Assert.AreEqual(path, again);
        CollectionAssert.AreEqual(new byte[] { 5, 6, 7 }, File.ReadAllBytes(again));
    }

    [TestMethod]
    public void FallsBackToTheNextRootWhenOneIsNotWritable()
    {
        using var folder = new TempFolder();
        string blocked = folder.File("a-file-not-a-folder");
        File.WriteAllText(blocked, "");

        string path = PatchedLibraryCache.Store([1], [2], "libX.so", [blocked, folder.File("cache")]);

        StringAssert.StartsWith(path, folder.File("cache"));
    }
}
