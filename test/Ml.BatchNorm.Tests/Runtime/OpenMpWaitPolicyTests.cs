using System.Runtime.InteropServices;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed partial class OpenMpWaitPolicyTests
{
    [TestMethod]
    public void IsDecidedBeforeLibTorchLoadsAndVisibleToNativeCode()
    {
        TorchRuntime.EnsureLoaded();
        string? inEffect = OpenMpWaitPolicy.InEffect;

        Assert.IsNotNull(inEffect, "EnsureLoaded applies the wait policy first");
        Assert.AreEqual(inEffect, OpenMpWaitPolicy.Apply(), "a second call changes nothing");
        if (inEffect.EndsWith("(set by Ml.BatchNorm)", StringComparison.Ordinal))
        {
            // GNU OpenMP reads libc's environment, not .NET's managed copy of it.
            Assert.AreEqual(OpenMpWaitPolicy.SpinCount, Marshal.PtrToStringUTF8(getenv("GOMP_SPINCOUNT")));
        }
    }

    [TestMethod]
    public void AppearsInTheThreadCounts()
    {
        var counts = TorchThreads.Apply(0);

        Assert.AreEqual(OpenMpWaitPolicy.InEffect, counts.WaitPolicy);
        StringAssert.Contains(counts.ToString(), counts.WaitPolicy!);
    }

    [LibraryImport("libc.so.6", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getenv(string name);
}
