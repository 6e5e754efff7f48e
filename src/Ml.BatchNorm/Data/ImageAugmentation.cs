namespace Ml.BatchNorm.Data;

/// <summary>
/// Label-preserving random changes to training images, drawn afresh for every image of every step:
/// a shift of up to <see cref="MaxShift"/> pixels in each direction (pixels moved in are zero, the
/// background of MNIST-style images) and, with <see cref="HorizontalFlip"/>, a left-right mirror with
/// probability one half. The draws depend only on the seed and the step, so a resumed run augments
/// exactly as the uninterrupted one did. Evaluation and scoring never augment.
/// </summary>
/// <remarks>
/// Mirroring suits Fashion-MNIST (garments are close to symmetric) but not digits; it is off unless asked for.
/// </remarks>
public sealed record ImageAugmentation
{
    // Keeps the augmentation's stream apart from the shuffle's, which uses the same seed and step.
    private const ulong StreamSalt = 0xA5E3_1F27_C0DE_0001;

    /// <summary>No augmentation: images reach the network as they are.</summary>
    public static ImageAugmentation None { get; } = new();

    /// <summary>The largest shift in pixels, drawn uniformly from [-MaxShift, MaxShift] per axis; 0: no shifts.</summary>
    public int MaxShift { get; init; }

    /// <summary>Mirror left-right with probability one half.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>Whether images are left unchanged.</summary>
    public bool IsNone => MaxShift == 0 && !HorizontalFlip;

    /// <summary>A short description for logs and fingerprints, e.g. "shift 2, flip".</summary>
    public override string ToString() =>
        IsNone ? "none" : string.Join(", ", new[] { MaxShift > 0 ? $"shift {MaxShift}" : null, HorizontalFlip ? "flip" : null }.OfType<string>());

    /// <summary>
    /// Augments the first <paramref name="rows"/> images of <paramref name="buffer"/> in place: the batch of
    /// training step <paramref name="step"/> of a run seeded with <paramref name="seed"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The buffer's rows are not <paramref name="channels"/> planes of
    /// <paramref name="height"/> x <paramref name="width"/>, or a shift would move a whole image out of view.</exception>
    public void Apply(MiniBatchBuffer buffer, int rows, int channels, int height, int width, ulong seed, long step)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        if (IsNone)
        {
            return;
        }

        if ((long)channels * height * width != buffer.PixelsPerImage)
        {
            throw new ArgumentException($"buffer rows hold {buffer.PixelsPerImage} pixels, not {channels} planes of {height}x{width}.", nameof(buffer));
        }

        if (MaxShift >= Math.Min(height, width))
        {
            throw new ArgumentException($"{nameof(ImageAugmentation)}.{nameof(MaxShift)} {MaxShift} would move a {height}x{width} image out of view; use at most {Math.Min(height, width) - 1}.", nameof(MaxShift));
        }

        var random = SplitMix64.ForEpoch(seed ^ StreamSalt, step);
        // Pooled: this runs every training step, which should leave no managed garbage behind.
        var rented = System.Buffers.ArrayPool<float>.Shared.Rent(buffer.PixelsPerImage);
        var source = rented.AsSpan(0, buffer.PixelsPerImage);
        try
        {
            for (int row = 0; row < rows; row++)
            {
                // Every image draws the same number of values, so image k's change depends on k alone.
                int dx = random.NextBelow(2 * MaxShift + 1) - MaxShift;
                int dy = random.NextBelow(2 * MaxShift + 1) - MaxShift;
                bool flip = HorizontalFlip && (random.Next() & 1) == 1;
                if (dx == 0 && dy == 0 && !flip)
                {
                    continue;
                }

                var image = buffer.ImageRow(row);
                image.CopyTo(source);
                Transform(source, image, channels, height, width, dx, dy, flip);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Writes <paramref name="source"/> shifted by (<paramref name="dx"/>, <paramref name="dy"/>) pixels (right and
    /// down positive) after an optional mirror into <paramref name="target"/>; pixels with no source are zero.
    /// </summary>
    internal static void Transform(ReadOnlySpan<float> source, Span<float> target, int channels, int height, int width, int dx, int dy, bool flip)
    {
        int plane = height * width;
        for (int c = 0; c < channels; c++)
        {
            var from = source.Slice(c * plane, plane);
            var to = target.Slice(c * plane, plane);
            for (int y = 0; y < height; y++)
            {
                var line = to.Slice(y * width, width);
                int sy = y - dy;
                if (sy < 0 || sy >= height)
                {
                    line.Clear();
                    continue;
                }

                var sourceLine = from.Slice(sy * width, width);
                for (int x = 0; x < width; x++)
                {
                    // Mirror first, then shift: the shifted mirror image.
                    int sx = x - dx;
                    line[x] = sx < 0 || sx >= width ? 0f : sourceLine[flip ? width - 1 - sx : sx];
                }
            }
        }
    }
}
