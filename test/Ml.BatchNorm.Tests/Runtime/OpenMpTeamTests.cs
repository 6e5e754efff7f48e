using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

/// <summary>C# work on libtorch's OpenMP threads: every part once, on the calling thread among others, errors back to the caller.</summary>
[TestClass]
public sealed class OpenMpTeamTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => TorchRuntime.EnsureLoaded();

    [TestMethod]
    public void IsAvailableWhereTorchSharpBringsGnuOpenMp()
    {
        // TorchSharp's Linux x64 package links libtorch against its own libgomp; the kernels' thread hand-off relies on it there.
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("GNU OpenMP comes with TorchSharp's Linux packages only.");
        }

        Assert.IsTrue(OpenMpTeam.Available, "GOMP_parallel was not found in the libgomp libtorch loaded");
    }

    [TestMethod]
    [DataRow(1)]
    [DataRow(2)]
    [DataRow(7)]
    public void RunsEveryPartOnceAndTheCallerTakesPartZero(int parts)
    {
        SkipUnlessAvailable();
        var runs = new int[parts];
        var threads = new int[parts];
        OpenMpTeam.Run(parts, k =>
        {
            Interlocked.Increment(ref runs[k]);
            threads[k] = Environment.CurrentManagedThreadId;
        });
        CollectionAssert.AreEqual(Enumerable.Repeat(1, parts).ToArray(), runs);
        Assert.AreEqual(Environment.CurrentManagedThreadId, threads[0], "OpenMP's thread 0 is the thread that opened the region");
    }

    [TestMethod]
    public void ARegionInsideARegionStillRunsEveryPart()
    {
        // Nested regions get a team of one unless nesting is enabled: the parts then run in turn on that thread.
        SkipUnlessAvailable();
        var runs = new int[2 * 3];
        OpenMpTeam.Run(2, outer => OpenMpTeam.Run(3, inner => Interlocked.Increment(ref runs[(outer * 3) + inner])));
        CollectionAssert.AreEqual(Enumerable.Repeat(1, 6).ToArray(), runs);
    }

    [TestMethod]
    public void AnExceptionInAPartReachesTheCallerWithItsType()
    {
        SkipUnlessAvailable();
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => OpenMpTeam.Run(4, k =>
        {
            if (k == 3)
            {
                throw new InvalidOperationException("part 3 failed");
            }
        }));
        Assert.AreEqual("part 3 failed", e.Message);

        // The team is usable again afterwards.
        int count = 0;
        OpenMpTeam.Run(4, _ => Interlocked.Increment(ref count));
        Assert.AreEqual(4, count);
    }

    private static void SkipUnlessAvailable()
    {
        if (!OpenMpTeam.Available)
        {
            Assert.Inconclusive("libtorch was not loaded with GNU OpenMP here.");
        }
    }
}
