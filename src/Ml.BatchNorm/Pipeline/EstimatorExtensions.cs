namespace Ml.BatchNorm.Pipeline;

/// <summary>Chains estimators: <c>a.Append(b).Append(c)</c>.</summary>
public static class EstimatorExtensions
{
    /// <summary>A chain that fits <paramref name="start"/> and then <paramref name="next"/> on <paramref name="start"/>'s output.</summary>
    public static EstimatorChain<TNext> Append<TNext>(this IEstimator<ITransformer> start, IEstimator<TNext> next)
        where TNext : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(next);
        return start is EstimatorChain<ITransformer> chain ? chain.Append(next) : new EstimatorChain<ITransformer>([start]).Append(next);
    }
}
