using System.Runtime.InteropServices;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class MiniBatchBufferTests
{
    [TestMethod]
    public void ArraysAreSizedForCapacityRowsAndPinned()
    {
        using var buffer = new MiniBatchBuffer(4, 6);

        Assert.AreEqual(4, buffer.Capacity);
        Assert.AreEqual(6, buffer.PixelsPerImage);
        Assert.AreEqual(0, buffer.Count);
        Assert.AreEqual(24, buffer.Images.Length);
        Assert.AreEqual(4, buffer.Labels.Length);

        // A pinned-heap array can be pinned by handle without copying; it is the same address afterwards.
        var handle = GCHandle.Alloc(buffer.Images, GCHandleType.Pinned);
        nint before = handle.AddrOfPinnedObject();
        handle.Free();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        handle = GCHandle.Alloc(buffer.Images, GCHandleType.Pinned);
        Assert.AreEqual(before, handle.AddrOfPinnedObject());
        handle.Free();
    }

    [TestMethod]
    public void ImageRowIsASliceOfImages()
    {
        using var buffer = new MiniBatchBuffer(3, 2);
        buffer.ImageRow(1)[1] = 0.5f;

        Assert.AreEqual(0.5f, buffer.Images[3]);
        Assert.AreEqual(2, buffer.ImageRow(2).Length);
        Assert.AreEqual("i", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => buffer.ImageRow(3)).ParamName);
    }

    [TestMethod]
    public void DisposedBufferCannotBeUsed()
    {
        var buffer = new MiniBatchBuffer(2, 2);
        buffer.Dispose();

        Assert.ThrowsExactly<ObjectDisposedException>(() => buffer.ImageRow(0));
        Assert.AreEqual(0, buffer.Images.Length);
    }

    [TestMethod]
    public void NonPositiveSizesAreRejected()
    {
        Assert.AreEqual("capacity", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MiniBatchBuffer(0, 4)).ParamName);
        Assert.AreEqual("pixelsPerImage", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MiniBatchBuffer(4, -1)).ParamName);
    }
}
