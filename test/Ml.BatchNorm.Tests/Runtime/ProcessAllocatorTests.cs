using System.Runtime.InteropServices;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class ProcessAllocatorTests
{
    private const string MmapVariable = "MALLOC_MMAP_THRESHOLD_";

    [TestMethod]
    public void LeaveAloneCallsNothing()
    {
        var settings = ProcessAllocator.Configure(AllocatorMode.LeaveAlone);

        Assert.IsFalse(settings.Applied);
        Assert.IsNull(settings.MmapResult);
        Assert.IsNull(settings.TrimResult);
        StringAssert.Contains(settings.ToString(), "left alone (as requested)");
    }

    [TestMethod]
    public void OnGlibcBothSettingsAreAppliedAndReported()
    {
        RequireGlibcWithoutAllocatorEnvironment();

        var settings = ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks);

        Assert.IsTrue(settings.Applied, settings.Detail);
        Assert.AreEqual(1, settings.MmapResult, "mallopt returns 1 on success");
        Assert.AreEqual(1, settings.TrimResult);
        Assert.AreEqual(32 * 1024 * 1024, settings.MmapThreshold);
        Assert.AreEqual(int.MaxValue, settings.TrimThreshold);
        Assert.AreEqual("allocator: glibc mmap threshold 33554432 bytes, trim threshold 2147483647 bytes", settings.ToString());
    }

    [TestMethod]
    public unsafe void AfterwardsBlocksBelow32MiBComeFromTheHeapAndLargerOnesAreMapped()
    {
        RequireGlibcWithoutAllocatorEnvironment();
        ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks);

        // glibc marks a chunk it mapped on its own with IS_MMAPPED (0x2) in the size word before it.
        static bool IsMapped(nuint bytes)
        {
            void* block = NativeMemory.Alloc(bytes);
            try
            {
                return (((nuint*)block)[-1] & 2) != 0;
            }
            finally
            {
                NativeMemory.Free(block);
            }
        }

        Assert.IsFalse(IsMapped(16 * 1024 * 1024), "a 16 MiB block is kept in the heap");
        Assert.IsTrue(IsMapped(64 * 1024 * 1024), "a 64 MiB block is above the 32 MiB threshold");
    }

    [TestMethod]
    public void SettingsGivenInTheEnvironmentAreRespected()
    {
        string? before = Environment.GetEnvironmentVariable(MmapVariable);
        Environment.SetEnvironmentVariable(MmapVariable, "1048576");
        try
        {
            var settings = ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks);

            Assert.IsFalse(settings.Applied);
            Assert.IsNull(settings.MmapResult);
            StringAssert.Contains(settings.Detail, MmapVariable);
        }
        finally
        {
            Environment.SetEnvironmentVariable(MmapVariable, before);
        }
    }

    private static void RequireGlibcWithoutAllocatorEnvironment()
    {
        if (!OperatingSystem.IsLinux() || !File.Exists("/proc/self/maps")
            || !File.ReadLines("/proc/self/maps").Any(l => l.Contains("libc.so.6", StringComparison.Ordinal)))
        {
            Assert.Inconclusive("glibc only.");
        }

        if (Environment.GetEnvironmentVariable(MmapVariable) is not null || Environment.GetEnvironmentVariable("MALLOC_TRIM_THRESHOLD_") is not null)
        {
            Assert.Inconclusive("The environment configures glibc's allocator; the library leaves it alone.");
        }
    }
}
