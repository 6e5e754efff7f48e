namespace Ml.BatchNorm.Data;

/// <summary>Pinned buffers for one batch: the native bridge reads them in place, without copies.</summary>
public sealed class MiniBatchBuffer : IDisposable
{
    /// <summary>Allocates room for <paramref name="capacity"/> rows of <paramref name="pixelsPerImage"/> floats.</summary>
    public MiniBatchBuffer(int capacity, int pixelsPerImage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        Capacity = capacity;
        PixelsPerImage = pixelsPerImage;
        Images = GC.AllocateUninitializedArray<float>(checked(capacity * pixelsPerImage), pinned: true);
        Labels = GC.AllocateUninitializedArray<long>(capacity, pinned: true);
    }

    /// <summary>Rows it can hold.</summary>
    public int Capacity { get; }

    /// <summary>Floats per row.</summary>
    public int PixelsPerImage { get; }

    /// <summary>Rows filled by the last fill.</summary>
    public int Count { get; internal set; }

    /// <summary>Row-major images, pinned.</summary>
    public float[] Images { get; private set; }

    /// <summary>Labels, pinned.</summary>
    public long[] Labels { get; private set; }

    /// <summary>The floats of row <paramref name="index"/>.</summary>
    public Span<float> ImageRow(int index) => Images.AsSpan(index * PixelsPerImage, PixelsPerImage);

    /// <summary>Drops the references so the pinned arrays can be collected.</summary>
    public void Dispose()
    {
        Images = [];
        Labels = [];
    }
}
