using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class PixelScalingTests
{
    [TestMethod]
    public void EveryByteValueAtEveryOffsetBecomesExactlyByteOver255()
    {
        // Long enough for several vector iterations plus a scalar tail, shifted so each value meets each lane.
        var source = new byte[256 + 77];
        var destination = new float[source.Length];
        for (int shift = 0; shift < 64; shift++)
        {
            for (int i = 0; i < source.Length; i++)
            {
                source[i] = (byte)(i + shift);
            }

            PixelScaling.ToUnitFloats(source, destination);

            for (int i = 0; i < source.Length; i++)
            {
                Assert.AreEqual(source[i] / 255f, destination[i], $"pixel {source[i]} at {i}");
            }
        }
    }

    [TestMethod]
    public void ExtremesMapToZeroAndOne()
    {
        var destination = new float[2];
        PixelScaling.ToUnitFloats([0, 255], destination);
        Assert.AreEqual(0f, destination[0]);
        Assert.AreEqual(1f, destination[1]);
    }

    [TestMethod]
    public void ShortDestinationIsRejected()
    {
        var error = Assert.ThrowsExactly<ArgumentException>(() => PixelScaling.ToUnitFloats(new byte[10], new float[9]));
        Assert.AreEqual("destination", error.ParamName);
    }
}
