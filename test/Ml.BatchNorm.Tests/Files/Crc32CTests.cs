using System.Numerics;
using System.Text;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class Crc32CTests
{
    // RFC 3720 appendix B.4 test vectors, and the common check value of CRC-32C.
    [TestMethod]
    public void MatchesPublishedVectors()
    {
        Assert.AreEqual(0x8A9136AAu, Crc32C.Compute(new byte[32]));
        Assert.AreEqual(0x62A8AB43u, Crc32C.Compute(Enumerable.Repeat((byte)0xFF, 32).ToArray()));
        Assert.AreEqual(0x46DD794Eu, Crc32C.Compute(Enumerable.Range(0, 32).Select(i => (byte)i).ToArray()));
        Assert.AreEqual(0xE3069283u, Crc32C.Compute(Encoding.ASCII.GetBytes("123456789")));
    }

    [TestMethod]
    public void MaskRotatesRightFifteenAndAddsTheTfRecordConstant()
    {
        const uint crc = 0xE3069283u;
        uint expected = unchecked(BitOperations.RotateRight(crc, 15) + 0xA282EAD8u);
        Assert.AreEqual(expected, Crc32C.Mask(crc));
        Assert.AreEqual(0xC78AB0E5u, Crc32C.Mask(crc), "computed by hand: ((c >> 15) | (c << 17)) + 0xa282ead8 mod 2^32");
    }
}
