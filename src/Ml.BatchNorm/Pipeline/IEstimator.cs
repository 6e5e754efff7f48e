using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>An unfitted pipeline stage: learns from data and returns the transformer that applies what it learned.</summary>
/// <typeparam name="TTransformer">The transformer <see cref="Fit"/> returns.</typeparam>
public interface IEstimator<out TTransformer>
    where TTransformer : class, ITransformer
{
    /// <summary>Learns from <paramref name="input"/>; checks the schema first (see <see cref="GetOutputSchema"/>).</summary>
    TTransformer Fit(IDataView input);

    /// <summary>
    /// The schema the fitted transformer would produce for <paramref name="inputSchema"/>, computed without reading
    /// or training on any data, so a whole pipeline is type-checked before any training starts.
    /// </summary>
    /// <exception cref="ArgumentException">A column is missing or has the wrong type; the message names the column and the expected type.</exception>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);
}
