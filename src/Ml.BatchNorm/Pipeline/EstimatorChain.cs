using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Estimators applied in order; <see cref="Fit"/> fits each on the previous one's transformed output.</summary>
/// <typeparam name="TLast">The transformer the last estimator makes.</typeparam>
public sealed class EstimatorChain<TLast> : IEstimator<TransformerChain<TLast>>
    where TLast : class, ITransformer
{
    private readonly IEstimator<ITransformer>[] _estimators;

    internal EstimatorChain(IEstimator<ITransformer>[] estimators) => _estimators = estimators;

    /// <summary>The estimators, in order.</summary>
    public IReadOnlyList<IEstimator<ITransformer>> Estimators => _estimators;

    /// <summary>This chain followed by <paramref name="next"/>.</summary>
    public EstimatorChain<TNext> Append<TNext>(IEstimator<TNext> next)
        where TNext : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(next);
        return new EstimatorChain<TNext>([.. _estimators, next]);
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var schema = inputSchema;
        foreach (var estimator in _estimators)
        {
            schema = estimator.GetOutputSchema(schema);
        }

        return schema;
    }

    /// <summary>
    /// Type-checks the whole chain first (so a mistake in the last stage fails before the first one trains), then
    /// fits each estimator on the output of the transformers fitted before it.
    /// </summary>
    public TransformerChain<TLast> Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var transformers = new ITransformer[_estimators.Length];
        var current = input;
        for (int i = 0; i < _estimators.Length; i++)
        {
            transformers[i] = _estimators[i].Fit(current);
            if (i < _estimators.Length - 1)
            {
                current = transformers[i].Transform(current);
            }
        }

        return new TransformerChain<TLast>(transformers);
    }
}
