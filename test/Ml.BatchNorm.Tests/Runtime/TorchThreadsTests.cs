using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

[TestClass]
public sealed class TorchThreadsTests
{
    [TestMethod]
    public void ZeroMeansEveryCore()
    {
        Assert.AreEqual(Environment.ProcessorCount, TorchThreads.Resolve(0));
        Assert.AreEqual(3, TorchThreads.Resolve(3));
    }

    [TestMethod]
    public void ANegativeCountIsRefusedWithTheOptionName()
    {
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => TorchThreads.Resolve(-2));
        StringAssert.Contains(e.Message, "threads is -2; expected 0 (all cores) or a positive count");
    }

    [TestMethod]
    public void AppliesTheIntraOpCountAndKeepsTheFirstInterOpCount()
    {
        try
        {
            var all = TorchThreads.Apply(0);
            int firstInterOp = all.InterOp;
            var one = TorchThreads.Apply(1);

            Assert.AreEqual(0, all.Requested);
            Assert.AreEqual(Environment.ProcessorCount, all.IntraOp);
            Assert.AreEqual(1, one.IntraOp);
            Assert.AreEqual(firstInterOp, one.InterOp, "libtorch's inter-op count is set once per process");
            if (Environment.ProcessorCount != 1)
            {
                Assert.IsNotNull(one.Note);
            }

            StringAssert.StartsWith(one.ToString(), "threads: 1 intra-op, ");
        }
        finally
        {
            TorchThreads.Apply(0);
        }
    }
}
