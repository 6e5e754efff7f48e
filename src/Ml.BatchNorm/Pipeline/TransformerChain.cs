using System.Collections;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Transformers applied in order; itself a transformer. Dispose it to release the networks of its stages.</summary>
/// <typeparam name="TLast">The type of the last transformer.</typeparam>
public sealed class TransformerChain<TLast> : ITransformer, IReadOnlyList<ITransformer>, IDisposable
    where TLast : class, ITransformer
{
    private readonly ITransformer[] _transformers;

    internal TransformerChain(ITransformer[] transformers)
    {
        if (transformers.Length == 0 || transformers[^1] is not TLast)
        {
            throw new ArgumentException($"A chain needs at least one transformer and must end with a {typeof(TLast).Name}.", nameof(transformers));
        }

        _transformers = transformers;
    }

    /// <summary>The last transformer, e.g. the trained network stage.</summary>
    public TLast LastTransformer => (TLast)_transformers[^1];

    /// <summary>The number of transformers.</summary>
    public int Count => _transformers.Length;

    /// <summary>The transformer at <paramref name="index"/>.</summary>
    public ITransformer this[int index] => _transformers[index];

    /// <summary>
    /// A chain of this chain's transformers followed by <paramref name="transformer"/>, e.g. fitted image transforms
    /// followed by a loaded model, to save or score as one. The transformers are shared, not copied: dispose one chain only.
    /// </summary>
    public TransformerChain<TNext> Append<TNext>(TNext transformer)
        where TNext : class, ITransformer
    {
        ArgumentNullException.ThrowIfNull(transformer);
        return new TransformerChain<TNext>([.. _transformers, transformer]);
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var schema = inputSchema;
        foreach (var transformer in _transformers)
        {
            schema = transformer.GetOutputSchema(schema);
        }

        return schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var current = input;
        foreach (var transformer in _transformers)
        {
            current = transformer.Transform(current);
        }

        return current;
    }

    /// <inheritdoc/>
    public IEnumerator<ITransformer> GetEnumerator() => ((IEnumerable<ITransformer>)_transformers).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Disposes every stage that holds native resources.</summary>
    public void Dispose()
    {
        foreach (var transformer in _transformers)
        {
            (transformer as IDisposable)?.Dispose();
        }
    }
}
