using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class AtomicFileTests
{
    private string _dir = "";

    [TestInitialize]
    public void CreateFolder() => _dir = Directory.CreateTempSubdirectory("mlbn-atomic-").FullName;

    [TestCleanup]
    public void DeleteFolder() => Directory.Delete(_dir, recursive: true);

    [TestMethod]
    public void WritesTheContentAndCreatesMissingFolders()
    {
        var path = Path.Combine(_dir, "a", "b", "model.bin");
        AtomicFile.Write(path, s => s.Write([1, 2, 3]));
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(Path.GetDirectoryName(path)!));
    }

    [TestMethod]
    public void ReplacesAnExistingFile()
    {
        var path = Path.Combine(_dir, "model.bin");
        File.WriteAllBytes(path, new byte[1000]);
        AtomicFile.Write(path, s => s.Write([9]));
        CollectionAssert.AreEqual(new byte[] { 9 }, File.ReadAllBytes(path));
        Assert.HasCount(1, Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void FailureMidWriteLeavesThePreviousFileAndNoTempFile()
    {
        var path = Path.Combine(_dir, "model.bin");
        var original = Enumerable.Range(0, 5000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(path, original);

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => AtomicFile.Write(path, s =>
        {
            s.Write(new byte[100_000]);
            s.Flush();
            throw new InvalidOperationException("disk full (simulated)");
        }));

        Assert.AreEqual("disk full (simulated)", e.Message);
        CollectionAssert.AreEqual(original, File.ReadAllBytes(path));
        CollectionAssert.AreEqual(new[] { path }, Directory.GetFiles(_dir));
    }

    [TestMethod]
    public void FailureWithoutAPreviousFileLeavesNothing()
    {
        var path = Path.Combine(_dir, "model.bin");
        Assert.ThrowsExactly<IOException>(() => AtomicFile.Write(path, s =>
        {
            s.Write([1, 2, 3]);
            throw new IOException("simulated");
        }));
        Assert.IsEmpty(Directory.GetFileSystemEntries(_dir));
    }
}
