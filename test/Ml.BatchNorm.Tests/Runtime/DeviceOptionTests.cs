using Ml.BatchNorm.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class DeviceOptionTests
{
    [TestMethod]
    [DataRow("cpu")]
    [DataRow(" CPU ")]
    public void CpuIsTheCpuDevice(string value)
    {
        Assert.AreEqual(DeviceType.CPU, DeviceOption.Parse(value).type);
    }

    [TestMethod]
    [DataRow("gpu")]
    [DataRow("cuda:")]
    [DataRow("cuda:-1")]
    [DataRow("cuda:x")]
    [DataRow("cuda0")]
    [DataRow("")]
    public void AnUnknownSpellingNamesTheOptionAndTheAcceptedForms(string value)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => DeviceOption.Parse(value, "--device"));
        StringAssert.Contains(e.Message, $"--device is '{value}'; expected cpu, cuda or cuda:N");
    }

    [TestMethod]
    [DataRow("cuda")]
    [DataRow("cuda:0")]
    [DataRow("CUDA:1")]
    public void CudaWithoutACudaBackendSaysWhichPackageToReference(string value)
    {
        TorchRuntime.EnsureLoaded();
        if (cuda.is_available())
        {
            Assert.Inconclusive("This machine's TorchSharp has CUDA.");
        }

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceOption.Parse(value));
        Assert.AreEqual(DeviceOption.CudaMissing, e.Message);
    }

    [TestMethod]
    public void ANumberBeyondTheGpusIsRefused()
    {
        TorchRuntime.EnsureLoaded();
        if (!cuda.is_available())
        {
            Assert.Inconclusive("No CUDA backend: the missing-backend message is checked instead.");
        }

        var e = Assert.ThrowsExactly<InvalidOperationException>(() => DeviceOption.Parse($"cuda:{cuda.device_count()}"));
        StringAssert.Contains(e.Message, "CUDA device(s), numbered from 0");
    }
}
