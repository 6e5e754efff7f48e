using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class ImageAugmentationTests
{
    private const int Height = 5;
    private const int Width = 7;

    // The reference: the target pixel (y, x) shows source pixel (y - dy, mirror(x - dx)), or 0 outside.
    private static float[] Reference(float[] source, int channels, int dx, int dy, bool flip)
    {
        var target = new float[source.Length];
        for (int c = 0; c < channels; c++)
        {
            for (int y = 0; y < Height; y++)
            {
                for (int x = 0; x < Width; x++)
                {
                    int sy = y - dy;
                    int sx = x - dx;
                    bool inside = sy is >= 0 and < Height && sx is >= 0 and < Width;
                    int mirrored = flip ? Width - 1 - sx : sx;
                    target[(c * Height + y) * Width + x] = inside ? source[(c * Height + sy) * Width + mirrored] : 0f;
                }
            }
        }

        return target;
    }

    private static float[] Numbered(int channels) => Enumerable.Range(1, channels * Height * Width).Select(i => (float)i).ToArray();

    [TestMethod]
    [DataRow(0, 0, true)]
    [DataRow(1, 0, false)]
    [DataRow(-2, 1, false)]
    [DataRow(2, -1, true)]
    [DataRow(-1, -2, true)]
    public void TransformMatchesTheReference(int dx, int dy, bool flip)
    {
        var source = Numbered(2);
        var target = new float[source.Length];
        ImageAugmentation.Transform(source, target, 2, Height, Width, dx, dy, flip);
        CollectionAssert.AreEqual(Reference(source, 2, dx, dy, flip), target);
    }

    [TestMethod]
    public void EveryImageIsOneOfTheAllowedChangesAndAllAreDrawn()
    {
        var augmentation = new ImageAugmentation { MaxShift = 1, HorizontalFlip = true };
        const int rows = 400;
        using var buffer = new MiniBatchBuffer(rows, Height * Width);
        var source = Numbered(1);
        for (int row = 0; row < rows; row++)
        {
            source.CopyTo(buffer.ImageRow(row));
        }

        augmentation.Apply(buffer, rows, 1, Height, Width, seed: 5, step: 3);
        var candidates = (from dx in new[] { -1, 0, 1 } from dy in new[] { -1, 0, 1 } from flip in new[] { false, true } select (dx, dy, flip)).ToList();
        var seen = new HashSet<(int, int, bool)>();
        for (int row = 0; row < rows; row++)
        {
            var image = buffer.ImageRow(row).ToArray();
            var match = candidates.Where(c => Reference(source, 1, c.dx, c.dy, c.flip).SequenceEqual(image)).ToList();
            Assert.HasCount(1, match, $"row {row} is not exactly one allowed shift/mirror of its image");
            seen.Add(match[0]);
        }

        Assert.HasCount(candidates.Count, seen, "400 draws should show all 18 changes");
    }

    [TestMethod]
    public void DrawsDependOnSeedAndStepOnly()
    {
        var augmentation = new ImageAugmentation { MaxShift = 2, HorizontalFlip = true };
        float[] Run(ulong seed, long step)
        {
            using var buffer = new MiniBatchBuffer(16, Height * Width);
            for (int row = 0; row < 16; row++)
            {
                Numbered(1).CopyTo(buffer.ImageRow(row));
            }

            augmentation.Apply(buffer, 16, 1, Height, Width, seed, step);
            return buffer.Images.ToArray();
        }

        CollectionAssert.AreEqual(Run(1, 7), Run(1, 7));
        CollectionAssert.AreNotEqual(Run(1, 7), Run(1, 8));
        CollectionAssert.AreNotEqual(Run(1, 7), Run(2, 7));
    }

    [TestMethod]
    public void NoneLeavesImagesAlone()
    {
        using var buffer = new MiniBatchBuffer(3, Height * Width);
        var source = Numbered(1);
        for (int row = 0; row < 3; row++)
        {
            source.CopyTo(buffer.ImageRow(row));
        }

        var before = buffer.Images.ToArray();
        ImageAugmentation.None.Apply(buffer, 3, 1, Height, Width, 1, 0);
        CollectionAssert.AreEqual(before, buffer.Images);
    }

    [TestMethod]
    public void BadShiftsAreRejectedNamingTheOption()
    {
        var negative = new TrainingOptions { Augmentation = new ImageAugmentation { MaxShift = -1 } };
        var e = Assert.ThrowsExactly<ArgumentException>(negative.Validate);
        StringAssert.Contains(e.Message, "TrainingOptions.Augmentation MaxShift must not be negative");

        var tooFar = new TrainingOptions { Augmentation = new ImageAugmentation { MaxShift = 28 } };
        e = Assert.ThrowsExactly<ArgumentException>(() => new Trainer(SeedNetworks.Model1(), tooFar));
        StringAssert.Contains(e.Message, "MaxShift 28 would move the network's 28x28 images out of view");
    }

    [TestMethod]
    public void AugmentationIsPartOfTheFingerprintOnlyWhenOn()
    {
        Assert.IsFalse(new TrainingOptions().Fingerprint().ContainsKey(nameof(TrainingOptions.Augmentation)));
        var on = new TrainingOptions { Augmentation = new ImageAugmentation { MaxShift = 2, HorizontalFlip = true } };
        Assert.AreEqual("shift 2, flip", on.Fingerprint()[nameof(TrainingOptions.Augmentation)]);
    }

    [TestMethod]
    public void ErasingFillsOneRectangleOfTheAllowedSizeWithNoise()
    {
        const int side = 28, rows = 300;
        var augmentation = new ImageAugmentation { EraseProbability = 1 };
        using var buffer = new MiniBatchBuffer(rows, side * side);
        // 2 is outside the noise's [0, 1], so every erased pixel shows.
        Array.Fill(buffer.Images, 2f);
        augmentation.Apply(buffer, rows, 1, side, side, seed: 9, step: 4);
        var areas = new List<int>();
        for (int row = 0; row < rows; row++)
        {
            var image = buffer.ImageRow(row).ToArray();
            var erased = Enumerable.Range(0, image.Length).Where(i => image[i] != 2f).ToList();
            Assert.IsTrue(erased.All(i => image[i] is >= 0f and <= 1f), $"row {row}: erased pixels must hold noise in [0, 1]");
            int top = erased.Min(i => i / side), bottom = erased.Max(i => i / side);
            int left = erased.Min(i => i % side), right = erased.Max(i => i % side);
            int h = bottom - top + 1, w = right - left + 1;
            Assert.AreEqual(h * w, erased.Count, $"row {row}: the erased pixels must form one filled rectangle");
            // Rounding the sides moves the area by at most one row and one column.
            Assert.IsInRange((ImageAugmentation.MinEraseArea * side * side) - h - w - 1, (ImageAugmentation.MaxEraseArea * side * side) + h + w + 1, (double)erased.Count, $"row {row}: area {erased.Count}");
            Assert.IsInRange(ImageAugmentation.MinEraseAspect / 2, 2 / ImageAugmentation.MinEraseAspect, (double)h / w, $"row {row}: aspect {h}x{w}");
            areas.Add(erased.Count);
        }

        Assert.IsGreaterThan(5, areas.Distinct().Count(), "the erased area should vary from image to image");
        Assert.IsGreaterThan(0.4 * side * side * 0.8, (double)areas.Max(), "large rectangles should be drawn too");
    }

    [TestMethod]
    public void ErasingHitsAboutItsProbabilityAndLeavesTheShiftAndMirrorDrawsAsTheyWere()
    {
        const int rows = 2000;
        float[] Run(ImageAugmentation augmentation)
        {
            using var buffer = new MiniBatchBuffer(rows, Height * Width);
            for (int row = 0; row < rows; row++)
            {
                // Values above 1: noise cannot reproduce them.
                Enumerable.Range(0, Height * Width).Select(i => 2f + i).ToArray().CopyTo(buffer.ImageRow(row));
            }

            augmentation.Apply(buffer, rows, 1, Height, Width, seed: 3, step: 11);
            return buffer.Images.ToArray();
        }

        var plain = Run(new ImageAugmentation { MaxShift = 1, HorizontalFlip = true });
        var erased = Run(new ImageAugmentation { MaxShift = 1, HorizontalFlip = true, EraseProbability = 0.3 });
        int hit = 0;
        for (int row = 0; row < rows; row++)
        {
            var before = plain.AsSpan(row * Height * Width, Height * Width);
            var after = erased.AsSpan(row * Height * Width, Height * Width);
            int changed = 0;
            for (int i = 0; i < before.Length; i++)
            {
                if (before[i] != after[i])
                {
                    Assert.IsInRange(0f, 1f, after[i], $"row {row}: a changed pixel must be erasing noise");
                    changed++;
                }
            }

            // A rectangle filled with noise over zeros from the shift can leave pixels equal, never more than the rectangle.
            Assert.IsLessThanOrEqualTo((int)Math.Ceiling(ImageAugmentation.MaxEraseArea * Height * Width) + Height + Width, changed);
            hit += changed > 0 ? 1 : 0;
        }

        Assert.IsInRange(0.26, 0.34, hit / (double)rows, "the share of erased images");
    }

    [TestMethod]
    public void ErasingIsValidatedAndFingerprinted()
    {
        var bad = new TrainingOptions { Augmentation = new ImageAugmentation { EraseProbability = 1.5 } };
        var e = Assert.ThrowsExactly<ArgumentException>(bad.Validate);
        StringAssert.Contains(e.Message, "TrainingOptions.Augmentation EraseProbability must be in [0, 1]; got 1.5");

        var on = new TrainingOptions { Augmentation = new ImageAugmentation { MaxShift = 1, HorizontalFlip = true, EraseProbability = 0.5 } };
        Assert.AreEqual("shift 1, flip, erase 0.5", on.Fingerprint()[nameof(TrainingOptions.Augmentation)]);
        Assert.IsFalse(new ImageAugmentation { EraseProbability = 0.25 }.IsNone);
    }
}
