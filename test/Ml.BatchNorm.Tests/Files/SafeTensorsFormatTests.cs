using System.Buffers.Binary;
using System.Text;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class SafeTensorsFormatTests
{
    private const string Source = "weights-under-test.safetensors";

    private static TensorData[] SampleTensors() =>
    [
        new("conv1.weight", [2, 1, 2, 2], [1f, -2f, 3.5f, float.NaN, float.PositiveInfinity, -0f, float.Epsilon, float.MaxValue]),
        new("bn1.running_var", [3], [0.25f, 1f, 4f]),
        new("num_batches", [], [42f]),
        new("empty", [0], []),
        new("empty_2d", [4, 0], []),
        new("fc.bias", [1], [-1e-30f]),
    ];

    [TestMethod]
    public void RoundTripPreservesNamesOrderShapesBitsAndMetadata()
    {
        var tensors = SampleTensors();
        var metadata = new Dictionary<string, string> { ["format"] = "pt", ["epoch"] = "3", ["note"] = "ünïcode \"quoted\"" };

        var (read, readMetadata) = RoundTrip(tensors, metadata);

        Assert.HasCount(tensors.Length, read);
        for (var i = 0; i < tensors.Length; i++)
        {
            Assert.AreEqual(tensors[i].Name, read[i].Name);
            CollectionAssert.AreEqual(tensors[i].Shape.ToArray(), read[i].Shape.ToArray(), tensors[i].Name);
            // Bitwise, so NaN and -0 are checked too.
            CollectionAssert.AreEqual(
                tensors[i].Values.Select(BitConverter.SingleToInt32Bits).ToArray(),
                read[i].Values.Select(BitConverter.SingleToInt32Bits).ToArray(),
                tensors[i].Name);
        }

        CollectionAssert.AreEquivalent(metadata.ToArray(), readMetadata.ToArray());
    }

    [TestMethod]
    public void NoMetadataWritesNoMetadataKeyAndReadsEmpty()
    {
        var stream = new MemoryStream();
        SafeTensorsFormat.Write(stream, [new TensorData("x", [1], [1f])]);
        StringAssert.DoesNotMatch(Encoding.UTF8.GetString(stream.ToArray()), new System.Text.RegularExpressions.Regex("__metadata__"));

        stream.Position = 0;
        var (tensors, metadata) = SafeTensorsFormat.Read(stream, Source);
        Assert.HasCount(1, tensors);
        Assert.IsEmpty(metadata);
    }

    [TestMethod]
    public void FileWithNoTensorsRoundTrips()
    {
        var (tensors, metadata) = RoundTrip([], new Dictionary<string, string> { ["k"] = "v" });
        Assert.IsEmpty(tensors);
        Assert.AreEqual("v", metadata["k"]);
    }

    [TestMethod]
    public void ReadsFromANonSeekableStream()
    {
        var buffer = new MemoryStream();
        SafeTensorsFormat.Write(buffer, SampleTensors());
        var (tensors, _) = SafeTensorsFormat.Read(new ForwardOnlyStream(buffer.ToArray()), Source);
        Assert.HasCount(SampleTensors().Length, tensors);
        CollectionAssert.AreEqual(new[] { 0.25f, 1f, 4f }, tensors[1].Values);
    }

    [TestMethod]
    public void ExactByteLayoutOfATinyFile()
    {
        var stream = new MemoryStream();
        SafeTensorsFormat.Write(
            stream,
            [new TensorData("a", [2], [1f, -2f]), new TensorData("b", [], [0.5f])],
            new Dictionary<string, string> { ["k"] = "v" });

        // Hand-computed: the compact JSON below is 132 bytes
        //   {"__metadata__":{"k":"v"},   26
        //   "a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},   53
        //   "b":{"dtype":"F32","shape":[],"data_offsets":[8,12]}}   53
        // padded with 4 spaces to 136 (a multiple of 8); 136 = 0x88 as a little-endian u64.
        const string json =
            "{\"__metadata__\":{\"k\":\"v\"},"
            + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
            + "\"b\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[8,12]}}";
        var expected = new List<byte> { 0x88, 0, 0, 0, 0, 0, 0, 0 };
        expected.AddRange(Encoding.ASCII.GetBytes(json + "    "));
        expected.AddRange([0x00, 0x00, 0x80, 0x3F]); // 1.0f
        expected.AddRange([0x00, 0x00, 0x00, 0xC0]); // -2.0f
        expected.AddRange([0x00, 0x00, 0x00, 0x3F]); // 0.5f

        Assert.AreEqual(132, json.Length);
        CollectionAssert.AreEqual(expected.ToArray(), stream.ToArray());
    }

    [TestMethod]
    public void HeaderIsAlwaysPaddedToAMultipleOfEight()
    {
        for (var nameLength = 1; nameLength <= 9; nameLength++)
        {
            var stream = new MemoryStream();
            SafeTensorsFormat.Write(stream, [new TensorData(new string('n', nameLength), [1], [1f])]);
            var bytes = stream.ToArray();
            var headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
            Assert.AreEqual(0UL, headerLength % 8, $"name length {nameLength}");
            Assert.AreEqual(8 + (long)headerLength + 4, bytes.Length);
        }
    }

    [TestMethod]
    public void WriteRejectsDuplicateNames()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            SafeTensorsFormat.Write(new MemoryStream(), [new TensorData("w", [1], [1f]), new TensorData("w", [1], [2f])]));
        StringAssert.Contains(e.Message, "'w'");
    }

    [TestMethod]
    public void WriteRejectsTheReservedMetadataName()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() =>
            SafeTensorsFormat.Write(new MemoryStream(), [new TensorData("__metadata__", [1], [1f])]));
        StringAssert.Contains(e.Message, "reserves");
    }

    [TestMethod]
    public void TooShortForTheLengthPrefix() =>
        AssertInvalid([1, 2, 3], "too short for the 8-byte header length");

    [TestMethod]
    public void HeaderLengthOverTheLimit()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 200UL * 1024 * 1024);
        AssertInvalid(bytes, "expected less than 104857600");
    }

    [TestMethod]
    public void HeaderLengthLongerThanTheStream()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        AssertInvalid(bytes, "only 56 bytes follow the length prefix");
    }

    [TestMethod]
    public void HeaderLengthLongerThanANonSeekableStream()
    {
        var bytes = new byte[64];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, 1000);
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFormat.Read(new ForwardOnlyStream(bytes), Source));
        StringAssert.Contains(e.Message, Source);
        StringAssert.Contains(e.Message, "ended inside the 1000-byte header");
    }

    [TestMethod]
    public void HeaderIsNotJson() => AssertInvalid(Raw("{\"a\": nope}", []), "the header is not valid JSON");

    [TestMethod]
    public void HeaderIsNotAnObject() => AssertInvalid(Raw("[1, 2]", []), "the header is a JSON Array; expected a JSON object");

    [TestMethod]
    public void UnsupportedDtypeNamesTheTensorAndDtype() =>
        AssertInvalid(
            Raw("{\"conv.weight\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}", new byte[4]),
            "tensor 'conv.weight' has dtype F16; only F32 (float32) tensors are supported");

    [TestMethod]
    public void MissingDtype() =>
        AssertInvalid(Raw("{\"w\":{\"shape\":[1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'w' has no string 'dtype'");

    [TestMethod]
    public void MissingShape() =>
        AssertInvalid(Raw("{\"w\":{\"dtype\":\"F32\",\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'w' has no 'shape' array");

    [TestMethod]
    public void NegativeShapeEntry() =>
        AssertInvalid(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", new byte[4]), "tensor 'w' has shape entry -1");

    [TestMethod]
    public void MissingOffsets() =>
        AssertInvalid(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0]}}", new byte[4]), "tensor 'w' has no 'data_offsets' array of two integers");

    [TestMethod]
    public void NegativeOffset() =>
        AssertInvalid(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[-4,0]}}", new byte[4]), "tensor 'w' has data offset -4");

    [TestMethod]
    public void TensorDescriptionIsNotAnObject() =>
        AssertInvalid(Raw("{\"w\":[1,2]}", []), "tensor 'w' is described by a JSON Array");

    [TestMethod]
    public void OffsetsEndBeforeTheyBegin() =>
        AssertInvalid(Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[4,0]}}", new byte[4]), "expected begin <= end");

    [TestMethod]
    public void OffsetsInconsistentWithShape() =>
        AssertInvalid(
            Raw("{\"w\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,12]}}", new byte[12]),
            "tensor 'w' has data_offsets [0, 12] (12 bytes) but shape [2, 2] as F32 needs 16 bytes");

    [TestMethod]
    public void OverlappingOffsets() =>
        AssertInvalid(
            Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}", new byte[12]),
            "tensor 'b' data_offsets [4, 12] overlap the previous tensor, which ends at 8");

    [TestMethod]
    public void GapBetweenTensors() =>
        AssertInvalid(
            Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[8,12]}}", new byte[12]),
            "tensor 'b' data_offsets [8, 12] leave a gap: expected it to begin at 4");

    [TestMethod]
    public void OffsetsBeyondTheDataSection() =>
        AssertInvalid(
            Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", new byte[8]),
            "the data section is 8 bytes but the header describes 16 bytes");

    [TestMethod]
    public void TruncatedDataSection()
    {
        var full = new MemoryStream();
        SafeTensorsFormat.Write(full, SampleTensors());
        var truncated = full.ToArray()[..^3];
        AssertInvalid(truncated, "the file is truncated or has trailing bytes");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFormat.Read(new ForwardOnlyStream(truncated), Source));
        StringAssert.Contains(e.Message, "the stream ended inside the data of tensor 'fc.bias'");
    }

    [TestMethod]
    public void TrailingBytesAfterTheData()
    {
        var full = new MemoryStream();
        SafeTensorsFormat.Write(full, SampleTensors());
        full.WriteByte(0);
        AssertInvalid(full.ToArray(), "the file is truncated or has trailing bytes");

        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFormat.Read(new ForwardOnlyStream(full.ToArray()), Source));
        StringAssert.Contains(e.Message, "bytes follow the");
    }

    [TestMethod]
    public void DuplicateNameInHeader() =>
        AssertInvalid(
            Raw("{\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]},\"a\":{\"dtype\":\"F32\",\"shape\":[0],\"data_offsets\":[0,0]}}", []),
            "the header lists 'a' twice");

    [TestMethod]
    public void MetadataValueIsNotAString() =>
        AssertInvalid(Raw("{\"__metadata__\":{\"epoch\":3}}", []), "metadata 'epoch' is a JSON Number; expected a string");

    private static (IReadOnlyList<TensorData> Tensors, IReadOnlyDictionary<string, string> Metadata) RoundTrip(
        IReadOnlyList<TensorData> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var stream = new MemoryStream();
        SafeTensorsFormat.Write(stream, tensors, metadata);
        stream.Position = 0;
        return SafeTensorsFormat.Read(stream, Source);
    }

    /// <summary>Frames a hand-written header (padded to 8 bytes as the format requires) and data section.</summary>
    private static byte[] Raw(string json, byte[] data)
    {
        var header = Encoding.UTF8.GetBytes(json);
        var padded = (header.Length + 7) / 8 * 8;
        var bytes = new byte[8 + padded + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)padded);
        header.CopyTo(bytes, 8);
        bytes.AsSpan(8 + header.Length, padded - header.Length).Fill((byte)' ');
        data.CopyTo(bytes, 8 + padded);
        return bytes;
    }

    private static void AssertInvalid(byte[] content, string expectedReason)
    {
        var e = Assert.ThrowsExactly<InvalidDataException>(() => SafeTensorsFormat.Read(new MemoryStream(content), Source));
        StringAssert.Contains(e.Message, Source);
        StringAssert.Contains(e.Message, expectedReason);
    }

    /// <summary>A stream that cannot seek or report its length, like a network or decompression stream.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
