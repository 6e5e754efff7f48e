namespace Ml.BatchNorm.Data;

/// <summary>
/// Shuffled mini-batches addressed by global step, so that a resumed run sees exactly the batches
/// the interrupted one would have. Epoch e's order is a Fisher–Yates shuffle driven by SplitMix64
/// seeded from (seed, e): independent of the .NET runtime's Random.
/// </summary>
public sealed class MiniBatchSequence
{
    private readonly ImageDataset _data;
    private readonly ulong _seed;
    private readonly bool _shuffle;
    private readonly LastBatchPolicy _lastBatch;
    private int[] _order = [];
    private long _orderEpoch = -1;

    /// <summary>Creates the sequence; validates that at least one batch exists.</summary>
    public MiniBatchSequence(ImageDataset data, int batchSize, ulong seed, bool shuffle = true, LastBatchPolicy lastBatch = LastBatchPolicy.Drop)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (batchSize <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be positive.");
        }

        int full = data.Count / batchSize;
        int rest = data.Count % batchSize;
        BatchesPerEpoch = lastBatch switch
        {
            LastBatchPolicy.Keep => full + (rest > 0 ? 1 : 0),
            _ => full,
        };
        if (BatchesPerEpoch == 0)
        {
            BatchesPerEpoch = lastBatch == LastBatchPolicy.Merge && rest > 0 ? 1 : 0;
        }

        if (BatchesPerEpoch == 0)
        {
            throw new ArgumentException($"batchSize {batchSize} is larger than the {data.Count} images of {data.Source}: no full batch exists (use a smaller batch, or keep/merge the last partial batch).", nameof(batchSize));
        }

        _data = data;
        _seed = seed;
        _shuffle = shuffle;
        _lastBatch = lastBatch;
        BatchSize = batchSize;
        MaxBatchSize = lastBatch == LastBatchPolicy.Merge ? Math.Min(data.Count, batchSize + rest) : Math.Min(batchSize, data.Count);
    }

    /// <summary>Rows per regular batch.</summary>
    public int BatchSize { get; }

    /// <summary>Batches in one epoch.</summary>
    public int BatchesPerEpoch { get; }

    /// <summary>The largest batch this sequence produces (for sizing buffers).</summary>
    public int MaxBatchSize { get; }

    /// <summary>Floats per image.</summary>
    public int PixelsPerImage => _data.PixelsPerImage;

    /// <summary>The dataset rows of the batch at <paramref name="globalStep"/>, in order.</summary>
    public ReadOnlySpan<int> RowsOf(long globalStep)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(globalStep);
        long epoch = globalStep / BatchesPerEpoch;
        int index = (int)(globalStep % BatchesPerEpoch);
        var order = OrderOf(epoch);
        int start = index * BatchSize;
        int count = index == BatchesPerEpoch - 1
            ? _lastBatch switch
            {
                LastBatchPolicy.Keep => Math.Min(BatchSize, _data.Count - start),
                LastBatchPolicy.Merge => _data.Count - start,
                _ => BatchSize,
            }
            : BatchSize;
        return order.AsSpan(start, count);
    }

    /// <summary>Copies the batch at <paramref name="globalStep"/> into <paramref name="buffer"/> and returns its row count.</summary>
    public int Fill(long globalStep, MiniBatchBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        var rows = RowsOf(globalStep);
        if (rows.Length > buffer.Capacity || buffer.PixelsPerImage != _data.PixelsPerImage)
        {
            throw new ArgumentException($"the buffer holds {buffer.Capacity} rows of {buffer.PixelsPerImage}; the batch needs {rows.Length} of {_data.PixelsPerImage}.", nameof(buffer));
        }

        for (int i = 0; i < rows.Length; i++)
        {
            _data.CopyImage(rows[i], buffer.ImageRow(i));
            buffer.Labels[i] = _data.GetLabel(rows[i]);
        }

        buffer.Count = rows.Length;
        return rows.Length;
    }

    private int[] OrderOf(long epoch)
    {
        if (epoch == _orderEpoch)
        {
            return _order;
        }

        var order = new int[_data.Count];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }

        if (_shuffle)
        {
            ulong state = Mix(_seed ^ Mix((ulong)epoch + 0x5851f42d4c957f2dUL));
            for (int i = order.Length - 1; i > 0; i--)
            {
                state += 0x9e3779b97f4a7c15UL;
                int j = (int)(Mix(state) % (ulong)(i + 1));
                (order[i], order[j]) = (order[j], order[i]);
            }
        }

        _order = order;
        _orderEpoch = epoch;
        return order;
    }

    private static ulong Mix(ulong x)
    {
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
