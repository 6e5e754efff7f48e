using Ml.BatchNorm.Runtime;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class TorchRuntimeTests
{
    [TestMethod]
    public void LoadsTorchSharpAndRunsABackwardPass()
    {
        var report = TorchRuntime.EnsureLoaded();

        using var scope = NewDisposeScope();
        double[] values = [0.5, -1.25, 2.0];
        var x = tensor(values, dtype: ScalarType.Float64, requires_grad: true);
        var loss = (x * x * x).sum();
        loss.backward();
        double[] gradient = x.grad!.data<double>().ToArray();

        for (int i = 0; i < values.Length; i++)
        {
            Assert.AreEqual(3 * values[i] * values[i], gradient[i], 1e-12, report.ToString());
        }
    }

    [TestMethod]
    public void UsesAPatchedCopyExactlyWhenTheCxxRuntimeLacksTheVersion()
    {
        var report = TorchRuntime.EnsureLoaded();
        if (!OperatingSystem.IsLinux())
        {
            Assert.IsFalse(report.UsesPatchedCopy);
            return;
        }

        string cxxRuntime = File.ReadLines("/proc/self/maps")
            .Select(line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Last())
            .First(p => Path.GetFileName(p).StartsWith("libstdc++.so", StringComparison.Ordinal));
        bool hasVersion = File.ReadAllBytes(cxxRuntime).AsSpan().IndexOf("\0GLIBCXX_3.4.32\0"u8) >= 0;

        Assert.AreEqual(!hasVersion, report.UsesPatchedCopy, report.ToString());
        if (report.UsesPatchedCopy)
        {
            byte[] original = File.ReadAllBytes(report.LibraryPath!);
            var target = ElfImage.Parse(original, report.LibraryPath!).ReadVersionRequirements()
                .Single(r => r.Version == WeakVersionPatch.CxxRuntimeVersion);
            var changed = TorchSharpFiles.Differences(original, File.ReadAllBytes(report.PatchedCopyPath!));
            Assert.IsTrue(changed.All(i => i == target.FlagsOffset || i == target.FlagsOffset + 1));
            Assert.IsTrue(File.ReadLines("/proc/self/maps").Any(l => l.EndsWith(report.PatchedCopyPath!, StringComparison.Ordinal)), "the copy is mapped");
        }
    }

    [TestMethod]
    public void ConcurrentCallsShareOneLoad()
    {
        var reports = new TorchLoadReport[8];
        Parallel.For(0, reports.Length, i => reports[i] = TorchRuntime.EnsureLoaded());

        Assert.IsTrue(reports.All(r => ReferenceEquals(r, reports[0])));
        Assert.AreSame(reports[0], TorchRuntime.EnsureLoaded());
    }
}
