namespace Ml.BatchNorm.Data;

/// <summary>
/// Reusable, pinned host memory for one mini-batch: images as floats and labels as 64-bit integers,
/// the element types the native bridge hands to libtorch without conversion. Pinning lets native code
/// read the arrays in place without the GC moving them.
/// </summary>
public sealed class MiniBatchBuffer : IDisposable
{
    private bool _disposed;

    /// <summary>Allocates room for <paramref name="capacity"/> images of <paramref name="pixelsPerImage"/> pixels.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An argument is not positive, or the image buffer would exceed an array's limit.</exception>
    public MiniBatchBuffer(int capacity, int pixelsPerImage)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(pixelsPerImage);
        long floats = (long)capacity * pixelsPerImage;
        if (floats > Array.MaxLength)
        {
            throw new ArgumentOutOfRangeException(
                nameof(capacity),
                capacity,
                $"{capacity} images of {pixelsPerImage} pixels need {floats} floats, more than one array can hold ({Array.MaxLength}).");
        }

        Capacity = capacity;
        PixelsPerImage = pixelsPerImage;
        Images = GC.AllocateUninitializedArray<float>((int)floats, pinned: true);
        Labels = GC.AllocateUninitializedArray<long>(capacity, pinned: true);
    }

    /// <summary>The most images the buffer can hold.</summary>
    public int Capacity { get; }

    /// <summary>The number of pixels in each image row of <see cref="Images"/>.</summary>
    public int PixelsPerImage { get; }

    /// <summary>The number of rows filled by the last <see cref="MiniBatchSequence.Fill"/>; rows past it hold stale data.</summary>
    public int Count { get; internal set; }

    /// <summary>Pinned image data: <see cref="Capacity"/> rows of <see cref="PixelsPerImage"/> floats in [0, 1].</summary>
    public float[] Images { get; private set; }

    /// <summary>Pinned labels, one per image row.</summary>
    public long[] Labels { get; private set; }

    /// <summary>Row <paramref name="i"/> of <see cref="Images"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="i"/> is not in [0, <see cref="Capacity"/>).</exception>
    /// <exception cref="ObjectDisposedException">The buffer has been disposed.</exception>
    public Span<float> ImageRow(int i)
    {
        ThrowIfDisposed();
        if ((uint)i >= (uint)Capacity)
        {
            throw new ArgumentOutOfRangeException(nameof(i), i, $"Row {i} is outside a buffer of {Capacity} rows.");
        }

        return Images.AsSpan(i * PixelsPerImage, PixelsPerImage);
    }

    /// <summary>Drops the arrays so that a use after the owner's lifetime fails loudly instead of reading stale data.</summary>
    public void Dispose()
    {
        _disposed = true;
        Images = [];
        Labels = [];
        Count = 0;
    }

    internal void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(_disposed, this);
}
