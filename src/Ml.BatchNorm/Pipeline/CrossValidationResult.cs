using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>One fold of a cross-validation: the model trained without the fold, its scored hold-out rows and their metrics.</summary>
/// <typeparam name="TMetrics">The metrics type, e.g. MulticlassClassificationMetrics.</typeparam>
public sealed class CrossValidationResult<TMetrics> : IDisposable
    where TMetrics : class
{
    internal CrossValidationResult(TMetrics metrics, ITransformer model, IDataView scoredHoldOutSet, int fold)
    {
        Metrics = metrics;
        Model = model;
        ScoredHoldOutSet = scoredHoldOutSet;
        Fold = fold;
    }

    /// <summary>The metrics on the held-out rows.</summary>
    public TMetrics Metrics { get; }

    /// <summary>The model fitted on the other folds.</summary>
    public ITransformer Model { get; }

    /// <summary>The held-out rows scored by <see cref="Model"/> (lazy: reading it scores again).</summary>
    public IDataView ScoredHoldOutSet { get; }

    /// <summary>The fold's index, from 0.</summary>
    public int Fold { get; }

    /// <summary>Releases the model's native network.</summary>
    public void Dispose() => (Model as IDisposable)?.Dispose();
}
