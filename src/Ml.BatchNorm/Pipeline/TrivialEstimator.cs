using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// An estimator that learns nothing (column copying, concatenation, image loading...): <see cref="Fit"/> checks the
/// schema and returns the transformer it was made with, as ML.NET's TrivialEstimator does.
/// </summary>
/// <typeparam name="TTransformer">The transformer returned.</typeparam>
public abstract class TrivialEstimator<TTransformer> : IEstimator<TTransformer>
    where TTransformer : class, ITransformer
{
    private protected TrivialEstimator(TTransformer transformer) => Transformer = transformer;

    /// <summary>The transformer <see cref="Fit"/> returns.</summary>
    protected TTransformer Transformer { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) => Transformer.GetOutputSchema(inputSchema);

    /// <summary>Checks <paramref name="input"/>'s schema and returns the transformer; reads no rows.</summary>
    public TTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Transformer.GetOutputSchema(input.Schema);
        return Transformer;
    }
}
