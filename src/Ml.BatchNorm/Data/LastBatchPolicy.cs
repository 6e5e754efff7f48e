namespace Ml.BatchNorm.Data;

/// <summary>What a <see cref="MiniBatchSequence"/> does with the images left over when the dataset size is not a multiple of the batch size.</summary>
public enum LastBatchPolicy
{
    /// <summary>Discard the final partial batch of each epoch; every batch has exactly the batch size.</summary>
    Drop,

    /// <summary>Yield the final partial batch as a smaller batch.</summary>
    Keep,

    /// <summary>Append the final partial batch to the previous full batch, so the last batch of an epoch is larger than the rest.</summary>
    Merge,
}
