namespace Ml.BatchNorm.Data;

/// <summary>
/// The mini-batches of a training run, shuffled afresh each epoch and addressable by global step: batch
/// <c>step</c> depends only on the data, batch size, seed, policies and <c>step</c>, so a run resumed at any step
/// sees exactly the batches the uninterrupted run would have. Not thread-safe (it caches the current epoch's order).
/// </summary>
public sealed class MiniBatchSequence
{
    private readonly ImageDataset _data;
    private readonly int _batchSize;
    private readonly ulong _seed;
    private readonly bool _shuffle;
    private readonly LastBatchPolicy _lastBatch;
    private readonly int[] _order;
    private long _orderEpoch = -1;

    /// <summary>Prepares the batches of <paramref name="data"/>.</summary>
    /// <param name="data">The training images; at least one.</param>
    /// <param name="batchSize">The number of images per batch; positive.</param>
    /// <param name="seed">Chooses the shuffle; the same seed always gives the same order on every machine and runtime.</param>
    /// <param name="shuffle">When false, every epoch visits the images in dataset order.</param>
    /// <param name="lastBatch">What to do with the images left over when the dataset size is not a multiple of <paramref name="batchSize"/>.</param>
    /// <exception cref="ArgumentException">The data is empty, or <paramref name="batchSize"/> is not positive, or it exceeds the dataset size under <see cref="LastBatchPolicy.Drop"/>.</exception>
    public MiniBatchSequence(ImageDataset data, int batchSize, ulong seed, bool shuffle = true, LastBatchPolicy lastBatch = LastBatchPolicy.Drop)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Count == 0)
        {
            throw new ArgumentException($"{data.Source} holds no images to make batches of.", nameof(data));
        }

        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"batchSize must be positive, not {batchSize}.");
        }

        if (!Enum.IsDefined(lastBatch))
        {
            throw new ArgumentOutOfRangeException(nameof(lastBatch), lastBatch, $"{lastBatch} is not a {nameof(LastBatchPolicy)}.");
        }

        if (lastBatch == LastBatchPolicy.Drop && batchSize > data.Count)
        {
            throw new ArgumentOutOfRangeException(
                nameof(batchSize),
                batchSize,
                $"batchSize {batchSize} exceeds the {data.Count} images of {data.Source}, so dropping the partial batch leaves no batch at all; " +
                $"use a batchSize of at most {data.Count} or another {nameof(LastBatchPolicy)}.");
        }

        _data = data;
        _batchSize = batchSize;
        _seed = seed;
        _shuffle = shuffle;
        _lastBatch = lastBatch;
        _order = new int[data.Count];

        int fullBatches = data.Count / batchSize;
        int remainder = data.Count % batchSize;
        (BatchesPerEpoch, MaxBatchSize) = lastBatch switch
        {
            LastBatchPolicy.Drop => (fullBatches, batchSize),
            LastBatchPolicy.Keep => (fullBatches + (remainder > 0 ? 1 : 0), Math.Min(batchSize, data.Count)),
            _ => fullBatches == 0 ? (1, data.Count) : (fullBatches, batchSize + remainder),
        };
    }

    /// <summary>The number of batches in one pass over the data.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The largest batch this sequence produces: the capacity a <see cref="MiniBatchBuffer"/> needs.</summary>
    public int MaxBatchSize { get; }

    /// <summary>Floats per image, the row size a <see cref="MiniBatchBuffer"/> needs.</summary>
    public int PixelsPerImage => _data.PixelsPerImage;

    /// <summary>The dataset rows of batch <paramref name="globalStep"/>, in order (valid until another epoch is asked for).</summary>
    public ReadOnlySpan<int> RowsOf(long globalStep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        long epoch = Math.DivRem(globalStep, BatchesPerEpoch, out long batch);
        return OrderOf(epoch).AsSpan((int)batch * _batchSize, BatchLength((int)batch));
    }

    /// <summary>
    /// Copies batch <paramref name="globalStep"/> (batch <c>globalStep % BatchesPerEpoch</c> of epoch
    /// <c>globalStep / BatchesPerEpoch</c>) into <paramref name="buffer"/>: images as floats in [0, 1] and labels.
    /// </summary>
    /// <returns>The number of images in the batch, also stored in <see cref="MiniBatchBuffer.Count"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="globalStep"/> is negative.</exception>
    /// <exception cref="ArgumentException"><paramref name="buffer"/> has the wrong image size or too little capacity.</exception>
    public int Fill(long globalStep, MiniBatchBuffer buffer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.ThrowIfDisposed();
        if (buffer.PixelsPerImage != _data.PixelsPerImage)
        {
            throw new ArgumentException(
                $"buffer rows hold {buffer.PixelsPerImage} pixels but images of {_data.Source} have {_data.PixelsPerImage} ({_data.Height}x{_data.Width}).",
                nameof(buffer));
        }

        if (buffer.Capacity < MaxBatchSize)
        {
            throw new ArgumentException(
                $"buffer holds {buffer.Capacity} rows but batches can have up to {MaxBatchSize} (MaxBatchSize).", nameof(buffer));
        }

        ReadOnlySpan<int> indices = RowsOf(globalStep);
        int rows = indices.Length;
        for (int row = 0; row < rows; row++)
        {
            int index = indices[row];
            _data.CopyImage(index, buffer.ImageRow(row));
            buffer.Labels[row] = _data.GetLabel(index);
        }

        buffer.Count = rows;
        return rows;
    }

    /// <summary>The dataset indices of epoch <paramref name="epoch"/>, in visiting order (a cached array; do not modify).</summary>
    internal int[] OrderOf(long epoch)
    {
        if (epoch == _orderEpoch)
        {
            return _order;
        }

        for (int i = 0; i < _order.Length; i++)
        {
            _order[i] = i;
        }

        if (_shuffle)
        {
            // Fisher–Yates from the top, so each of the n! orders is equally likely.
            var random = SplitMix64.ForEpoch(_seed, epoch);
            for (int i = _order.Length - 1; i > 0; i--)
            {
                int j = random.NextBelow(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }
        }

        _orderEpoch = epoch;
        return _order;
    }

    private int BatchLength(int batch)
    {
        if (batch < BatchesPerEpoch - 1)
        {
            return _batchSize;
        }

        // The last batch of the epoch is where the policies differ.
        return _lastBatch == LastBatchPolicy.Drop ? _batchSize : _data.Count - batch * _batchSize;
    }
}
