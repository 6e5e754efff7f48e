using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class MiniBatchSequenceTests
{
    /// <summary>Images 1x1 whose single pixel is the image index, so a batch's rows reveal which images it holds.</summary>
    private static ImageDataset Indexed(int count) =>
        ImageDataset.FromBytes(
            Enumerable.Range(0, count).Select(i => (byte)i).ToArray(),
            Enumerable.Range(0, count).Select(i => (byte)(i % 3)).ToArray(),
            1,
            1,
            ["a", "b", "c"],
            $"{count} indexed images");

    /// <summary>The image indices of batch <paramref name="step"/>, read back from the pixels.</summary>
    private static int[] BatchIndices(MiniBatchSequence sequence, long step, MiniBatchBuffer buffer)
    {
        int rows = sequence.Fill(step, buffer);
        Assert.AreEqual(rows, buffer.Count);
        return buffer.Images.Take(rows).Select(p => (int)MathF.Round(p * 255f)).ToArray();
    }

    private static int[] Epoch(MiniBatchSequence sequence, int epoch, MiniBatchBuffer buffer) =>
        Enumerable.Range(0, sequence.BatchesPerEpoch)
            .SelectMany(b => BatchIndices(sequence, (long)epoch * sequence.BatchesPerEpoch + b, buffer))
            .ToArray();

    [TestMethod]
    public void EachEpochVisitsEveryImageOnceAndEpochsDiffer()
    {
        var sequence = new MiniBatchSequence(Indexed(50), 8, seed: 42, lastBatch: LastBatchPolicy.Keep);
        using var buffer = new MiniBatchBuffer(sequence.MaxBatchSize, 1);

        var epochs = Enumerable.Range(0, 4).Select(e => Epoch(sequence, e, buffer)).ToArray();

        foreach (var order in epochs)
        {
            CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), order);
        }

        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), epochs[0], "the order is shuffled");
        for (int a = 0; a < epochs.Length; a++)
        {
            for (int b = a + 1; b < epochs.Length; b++)
            {
                CollectionAssert.AreNotEqual(epochs[a], epochs[b], $"epochs {a} and {b}");
            }
        }
    }

    [TestMethod]
    public void SameSeedGivesSameOrderAndOtherSeedsDiffer()
    {
        var data = Indexed(40);
        using var buffer = new MiniBatchBuffer(10, 1);

        var first = Epoch(new MiniBatchSequence(data, 10, seed: 7), 3, buffer);
        var again = Epoch(new MiniBatchSequence(data, 10, seed: 7), 3, buffer);
        var other = Epoch(new MiniBatchSequence(data, 10, seed: 8), 3, buffer);

        CollectionAssert.AreEqual(first, again);
        CollectionAssert.AreNotEqual(first, other);
    }

    [TestMethod]
    public void OrderIsPinnedAcrossRuntimeVersions()
    {
        // Checkpoints rely on this exact order; a change here silently changes every resumed run.
        var sequence = new MiniBatchSequence(Indexed(10), 10, seed: 2024);
        using var buffer = new MiniBatchBuffer(10, 1);

        CollectionAssert.AreEqual(PinnedEpoch0, BatchIndices(sequence, 0, buffer));
        CollectionAssert.AreEqual(PinnedEpoch1, BatchIndices(sequence, 1, buffer));
    }

    [TestMethod]
    public void RandomAccessToAStepInEpochTwoMatchesSequentialIteration()
    {
        var data = Indexed(23);
        var sequential = new MiniBatchSequence(data, 5, seed: 99, lastBatch: LastBatchPolicy.Merge);
        using var buffer = new MiniBatchBuffer(sequential.MaxBatchSize, 1);
        var seen = new List<int[]>();
        for (long step = 0; step < 3L * sequential.BatchesPerEpoch; step++)
        {
            seen.Add(BatchIndices(sequential, step, buffer));
        }

        long target = 2L * sequential.BatchesPerEpoch + 1;
        var resumed = new MiniBatchSequence(data, 5, seed: 99, lastBatch: LastBatchPolicy.Merge);
        CollectionAssert.AreEqual(seen[(int)target], BatchIndices(resumed, target, buffer));

        // Jumping back to an earlier epoch recomputes its order rather than reusing the cached one.
        CollectionAssert.AreEqual(seen[0], BatchIndices(resumed, 0, buffer));
    }

    [TestMethod]
    public void FillCopiesScaledPixelsAndLabelsOfTheChosenImages()
    {
        var data = ImageDataset.FromBytes([0, 255, 51, 102, 10, 20], [2, 0, 1], 1, 2, ["x", "y", "z"], "three");
        var sequence = new MiniBatchSequence(data, 3, seed: 5);
        using var buffer = new MiniBatchBuffer(3, 2);

        int rows = sequence.Fill(0, buffer);

        Assert.AreEqual(3, rows);
        var expected = new float[2];
        for (int row = 0; row < rows; row++)
        {
            // Image i is recognizable by its first pixel.
            int image = Array.IndexOf(new byte[] { 0, 51, 10 }, (byte)MathF.Round(buffer.ImageRow(row)[0] * 255f));
            data.CopyImage(image, expected);
            CollectionAssert.AreEqual(expected, buffer.ImageRow(row).ToArray());
            Assert.AreEqual((long)data.GetLabel(image), buffer.Labels[row]);
        }
    }

    [TestMethod]
    [DataRow(LastBatchPolicy.Drop, new[] { 4, 4 }, 4)]
    [DataRow(LastBatchPolicy.Keep, new[] { 4, 4, 2 }, 4)]
    [DataRow(LastBatchPolicy.Merge, new[] { 4, 6 }, 6)]
    public void LastBatchPolicyShapesTheEpoch(LastBatchPolicy policy, int[] sizes, int maxBatchSize)
    {
        var sequence = new MiniBatchSequence(Indexed(10), 4, seed: 1, lastBatch: policy);
        using var buffer = new MiniBatchBuffer(sequence.MaxBatchSize, 1);

        Assert.AreEqual(sizes.Length, sequence.BatchesPerEpoch);
        Assert.AreEqual(maxBatchSize, sequence.MaxBatchSize);
        CollectionAssert.AreEqual(sizes, Enumerable.Range(0, sizes.Length).Select(b => sequence.Fill(b, buffer)).ToArray());
        int distinct = Epoch(sequence, 0, buffer).Distinct().Count();
        Assert.AreEqual(policy == LastBatchPolicy.Drop ? 8 : 10, distinct);
    }

    [TestMethod]
    public void BatchLargerThanTheDataIsOneBatchUnlessDropped()
    {
        var keep = new MiniBatchSequence(Indexed(3), 8, seed: 1, lastBatch: LastBatchPolicy.Keep);
        var merge = new MiniBatchSequence(Indexed(3), 8, seed: 1, lastBatch: LastBatchPolicy.Merge);

        Assert.AreEqual((1, 3), (keep.BatchesPerEpoch, keep.MaxBatchSize));
        Assert.AreEqual((1, 3), (merge.BatchesPerEpoch, merge.MaxBatchSize));

        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MiniBatchSequence(Indexed(3), 8, seed: 1));
        Assert.AreEqual("batchSize", error.ParamName);
        StringAssert.Contains(error.Message, "3 images");
    }

    [TestMethod]
    public void UnshuffledSequenceVisitsImagesInOrder()
    {
        var sequence = new MiniBatchSequence(Indexed(6), 4, seed: 1, shuffle: false, lastBatch: LastBatchPolicy.Keep);
        using var buffer = new MiniBatchBuffer(4, 1);

        CollectionAssert.AreEqual(new[] { 0, 1, 2, 3, 4, 5 }, Epoch(sequence, 5, buffer));
    }

    [TestMethod]
    public void InvalidArgumentsAreRejected()
    {
        var data = Indexed(10);
        Assert.AreEqual("batchSize", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new MiniBatchSequence(data, 0, 1)).ParamName);

        var sequence = new MiniBatchSequence(data, 4, 1, lastBatch: LastBatchPolicy.Merge);
        using var small = new MiniBatchBuffer(4, 1);
        using var wide = new MiniBatchBuffer(6, 2);
        Assert.AreEqual("buffer", Assert.ThrowsExactly<ArgumentException>(() => sequence.Fill(0, small)).ParamName);
        Assert.AreEqual("buffer", Assert.ThrowsExactly<ArgumentException>(() => sequence.Fill(0, wide)).ParamName);
        Assert.AreEqual("globalStep", Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => sequence.Fill(-1, wide)).ParamName);
    }

    // Computed independently from the SplitMix64 + Lemire + Fisher–Yates definitions (a Python transcription).
    private static readonly int[] PinnedEpoch0 = [1, 7, 8, 6, 4, 0, 2, 9, 5, 3];
    private static readonly int[] PinnedEpoch1 = [1, 9, 4, 8, 7, 5, 0, 2, 6, 3];
}
