namespace Ml.BatchNorm.Engine;

/// <summary>
/// What training may change in a batch-normalization layer. Freezing is sticky: once a part is
/// frozen on a network, no later setting unfreezes it.
/// </summary>
public enum BatchNormFineTuning
{
    /// <summary>Batch statistics in training mode, moving statistics updated, gamma and beta trained.</summary>
    Full = 0,

    /// <summary>Training mode normalizes with the moving statistics and never updates them (gamma and beta still train).</summary>
    StatisticsFrozen = 1,

    /// <summary>Gamma and beta receive no updates (no gradient; optimizer slots untouched); statistics behave as in <see cref="Full"/>.</summary>
    AffineFrozen = 2,

    /// <summary>Both <see cref="StatisticsFrozen"/> and <see cref="AffineFrozen"/>.</summary>
    BothFrozen = 3,
}
