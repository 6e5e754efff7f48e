namespace Ml.BatchNorm.Data;

/// <summary>
/// Label-preserving random changes to training images, drawn afresh for every image of every step:
/// a shift of up to <see cref="MaxShift"/> pixels in each direction (pixels moved in are zero, the
/// background of MNIST-style images) and, with <see cref="HorizontalFlip"/>, a left-right mirror with
/// probability one half, and with <see cref="EraseProbability"/> random erasing (Zhong et al., 2017): a
/// rectangle of 2-40% of the image, aspect ratio between 0.3 and 3.3, filled with uniform noise in [0, 1] (the range of the scaled pixels).
/// The draws depend only on the seed and the step, so a resumed run augments exactly as the uninterrupted
/// one did. Evaluation and scoring never augment.
/// </summary>
/// <remarks>
/// Mirroring suits Fashion-MNIST (garments are close to symmetric) but not digits; it is off unless asked for.
/// Erasing hides part of a garment, so the network cannot lean on one region alone: a regularizer for long runs
/// whose training accuracy runs far ahead of validation.
/// </remarks>
public sealed record ImageAugmentation
{
    // Keeps the augmentation's stream apart from the shuffle's, which uses the same seed and step.
    private const ulong StreamSalt = 0xA5E3_1F27_C0DE_0001;
    // Erasing draws from a stream of its own, so turning it on leaves every shift and mirror as it was.
    private const ulong EraseSalt = 0x5E7A_3B91_E4A5_0002;

    /// <summary>No augmentation: images reach the network as they are.</summary>
    public static ImageAugmentation None { get; } = new();

    /// <summary>The largest shift in pixels, drawn uniformly from [-MaxShift, MaxShift] per axis; 0: no shifts.</summary>
    public int MaxShift { get; init; }

    /// <summary>Mirror left-right with probability one half.</summary>
    public bool HorizontalFlip { get; init; }

    /// <summary>The probability in [0, 1] that an image gets a random rectangle erased (after its shift and mirror); 0: never.</summary>
    public double EraseProbability { get; init; }

    /// <summary>The smallest and largest erased area, as fractions of the image (the paper's values).</summary>
    internal const double MinEraseArea = 0.02, MaxEraseArea = 0.4;

    /// <summary>The erased rectangle's aspect ratio (height / width) lies in [<see cref="MinEraseAspect"/>, 1 / <see cref="MinEraseAspect"/>].</summary>
    internal const double MinEraseAspect = 0.3;

    /// <summary>Whether images are left unchanged.</summary>
    public bool IsNone => MaxShift == 0 && !HorizontalFlip && EraseProbability == 0;

    /// <summary>A short description for logs and fingerprints, e.g. "shift 2, flip, erase 0.5".</summary>
    public override string ToString() =>
        IsNone ? "none" : string.Join(", ", new[]
        {
            MaxShift > 0 ? $"shift {MaxShift}" : null,
            HorizontalFlip ? "flip" : null,
            EraseProbability > 0 ? $"erase {EraseProbability.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}" : null,
        }.OfType<string>());

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

        if (!(EraseProbability is >= 0 and <= 1))
        {
            throw new ArgumentException($"{nameof(ImageAugmentation)}.{nameof(EraseProbability)} must be in [0, 1]; got {EraseProbability}.", nameof(EraseProbability));
        }

        if (MaxShift >= Math.Min(height, width))
        {
            throw new ArgumentException($"{nameof(ImageAugmentation)}.{nameof(MaxShift)} {MaxShift} would move a {height}x{width} image out of view; use at most {Math.Min(height, width) - 1}.", nameof(MaxShift));
        }

        var random = SplitMix64.ForEpoch(seed ^ StreamSalt, step);
        var eraseRandom = SplitMix64.ForEpoch(seed ^ EraseSalt, step);
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
                var image = buffer.ImageRow(row);
                if (dx != 0 || dy != 0 || flip)
                {
                    image.CopyTo(source);
                    Transform(source, image, channels, height, width, dx, dy, flip);
                }

                if (EraseProbability > 0)
                {
                    var rectangle = EraseRectangle.Draw(ref eraseRandom, EraseProbability, height, width);
                    rectangle?.Fill(image, channels, height, width);
                }
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

    /// <summary>The rectangle random erasing fills in one image, and the seed of its noise.</summary>
    internal readonly record struct EraseRectangle(int Top, int Left, int Height, int Width, ulong NoiseSeed)
    {
        /// <summary>
        /// Draws whether to erase, the area, aspect ratio, position and noise seed: always six values, so that the
        /// next image's draws do not depend on this one's. Null: this image is not erased.
        /// </summary>
        public static EraseRectangle? Draw(ref SplitMix64 random, double probability, int height, int width)
        {
            bool erase = random.NextDouble() < probability;
            double area = (MinEraseArea + ((MaxEraseArea - MinEraseArea) * random.NextDouble())) * height * width;
            double aspect = Math.Exp(Math.Log(MinEraseAspect) * (1 - (2 * random.NextDouble())));
            ulong top = random.Next(), left = random.Next(), noise = random.Next();
            if (!erase)
            {
                return null;
            }

            int h = Math.Clamp((int)Math.Round(Math.Sqrt(area * aspect)), 1, height);
            int w = Math.Clamp((int)Math.Round(Math.Sqrt(area / aspect)), 1, width);
            return new EraseRectangle((int)(top % (ulong)(height - h + 1)), (int)(left % (ulong)(width - w + 1)), h, w, noise);
        }

        /// <summary>Overwrites the rectangle in every channel of <paramref name="image"/> with uniform noise in [0, 1].</summary>
        public void Fill(Span<float> image, int channels, int height, int width)
        {
            var noise = new SplitMix64(NoiseSeed);
            for (int c = 0; c < channels; c++)
            {
                for (int y = Top; y < Top + Height; y++)
                {
                    var line = image.Slice((((c * height) + y) * width) + Left, Width);
                    for (int x = 0; x < line.Length; x++)
                    {
                        line[x] = (float)noise.NextDouble();
                    }
                }
            }
        }
    }
}
