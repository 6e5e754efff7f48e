using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

/// <summary>The process's mapped files: what the OpenMP settings and the kernels' thread team look up.</summary>
[TestClass]
public sealed class LoadedLibrariesTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void ListsLibtorchAndItsOpenMpOnceEachAsAbsolutePaths()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("/proc/self/maps is Linux's.");
        }

        var paths = LoadedLibraries.Paths().ToList();
        Assert.IsTrue(paths.All(Path.IsPathRooted), "every entry is an absolute path");
        Assert.HasCount(paths.Distinct().Count(), paths, "each file once");
        Assert.IsTrue(paths.Any(p => Path.GetFileName(p).StartsWith("libtorch_cpu", StringComparison.Ordinal)), "libtorch_cpu is loaded");
        Assert.IsTrue(LoadedLibraries.AnyNamed("libgomp"), "TorchSharp's libtorch brings GNU OpenMP");
        Assert.IsFalse(LoadedLibraries.AnyNamed("libno-such-library"));
    }
}
