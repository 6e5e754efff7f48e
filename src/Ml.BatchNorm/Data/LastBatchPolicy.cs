namespace Ml.BatchNorm.Data;

/// <summary>What to do with the final, partial batch of an epoch.</summary>
public enum LastBatchPolicy
{
    /// <summary>Discard it (the rows are seen in other epochs, in other orders).</summary>
    Drop,

    /// <summary>Train on it as a smaller batch.</summary>
    Keep,

    /// <summary>Append it to the previous full batch, making the last batch larger.</summary>
    Merge,
}
