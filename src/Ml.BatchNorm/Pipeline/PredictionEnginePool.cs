using System.Collections.Concurrent;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A thread-safe way to score objects from many threads at once: each call borrows a <see cref="PredictionEngine{TIn, TOut}"/>
/// from a pool (making one when none is free) and returns it afterwards. The engines share the fitted model, whose
/// scoring only reads the network.
/// </summary>
/// <typeparam name="TIn">The input class.</typeparam>
/// <typeparam name="TOut">The output class.</typeparam>
public sealed class PredictionEnginePool<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly ITransformer _model;
    private readonly ConcurrentBag<PredictionEngine<TIn, TOut>> _engines = [];

    internal PredictionEnginePool(ITransformer model)
    {
        // Made eagerly so that a class mismatch fails here, not on the first Predict.
        _engines.Add(new PredictionEngine<TIn, TOut>(model));
        _model = model;
    }

    /// <summary>Scores <paramref name="example"/>; may be called from several threads at once.</summary>
    public TOut Predict(TIn example)
    {
        if (!_engines.TryTake(out var engine))
        {
            engine = new PredictionEngine<TIn, TOut>(_model);
        }

        try
        {
            return engine.Predict(example);
        }
        finally
        {
            _engines.Add(engine);
        }
    }
}
