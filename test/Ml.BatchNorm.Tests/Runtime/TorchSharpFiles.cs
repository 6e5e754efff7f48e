using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

/// <summary>The native files TorchSharp's packages place in the test's output folder.</summary>
internal static class TorchSharpFiles
{
    public static string Require(string fileName)
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Inconclusive("The ELF checks run on Linux, where TorchSharp ships ELF libraries.");
        }

        return NativeLibraryFolders.Find(fileName, AppContext.BaseDirectory)
            ?? throw new AssertFailedException($"{fileName} was not found in the test's native folders.");
    }

    /// <summary>The indices at which two equally long byte arrays differ.</summary>
    public static List<long> Differences(byte[] a, byte[] b)
    {
        Assert.AreEqual(a.Length, b.Length, "lengths");
        var indices = new List<long>();
        for (long i = 0; i < a.Length; i++)
        {
            if (a[i] != b[i])
            {
                indices.Add(i);
            }
        }

        return indices;
    }
}
