using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class TensorDataTests
{
    [TestMethod]
    public void ElementCountIsTheProductOfTheShape()
    {
        Assert.AreEqual(6L, new TensorData("w", [2, 3], new float[6]).ElementCount);
        Assert.AreEqual(1L, new TensorData("scalar", [], [4f]).ElementCount);
        Assert.AreEqual(0L, new TensorData("empty", [3, 0], []).ElementCount);
    }

    [TestMethod]
    public void MismatchedValueCountNamesTheTensor()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TensorData("conv1.weight", [2, 3], new float[5]));
        StringAssert.Contains(e.Message, "conv1.weight");
        StringAssert.Contains(e.Message, "needs 6 values, but 5 were given");
    }

    [TestMethod]
    public void NegativeDimensionIsRejected()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => new TensorData("bn.bias", [-1], []));
        StringAssert.Contains(e.Message, "bn.bias");
        StringAssert.Contains(e.Message, "negative dimension");
    }

    [TestMethod]
    public void ShapeIsCopiedSoLaterChangesDoNotLeakIn()
    {
        long[] shape = [2, 2];
        var t = new TensorData("w", shape, new float[4]);
        shape[0] = 7;
        CollectionAssert.AreEqual(new long[] { 2, 2 }, t.Shape.ToArray());
    }
}
