using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Scores one object at a time with a fitted pipeline: the input's public members become columns (as in
/// <see cref="DataViewLoaders.LoadFromEnumerable{T}"/>) and the output's public settable members receive the columns
/// of the same name (<see cref="ColumnNameAttribute"/> honoured). Like ML.NET's, an engine is meant for one thread
/// at a time; use <see cref="PredictionEnginePool{TIn, TOut}"/> to score from several threads. Scoring one row
/// runs the network on a batch of one, which may differ from batch scoring in the last bits (same label).
/// </summary>
/// <typeparam name="TIn">The input class.</typeparam>
/// <typeparam name="TOut">The output class.</typeparam>
public sealed class PredictionEngine<TIn, TOut>
    where TIn : class
    where TOut : class, new()
{
    private readonly ITransformer _model;
    private readonly PocoOutputWriter<TOut> _writer;
    private readonly TIn[] _row = new TIn[1];

    internal PredictionEngine(ITransformer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        _model = model;

        // Type-check both ends now, so a mismatched class fails here, naming the member, not on the first Predict.
        var inputSchema = DataViewLoaders.LoadFromEnumerable(Array.Empty<TIn>()).Schema;
        _writer = new PocoOutputWriter<TOut>(model.GetOutputSchema(inputSchema));
    }

    /// <summary>Scores <paramref name="example"/>.</summary>
    public TOut Predict(TIn example)
    {
        ArgumentNullException.ThrowIfNull(example);
        _row[0] = example;
        try
        {
            var scored = _model.Transform(DataViewLoaders.LoadFromEnumerable(_row));
            var output = new TOut();
            using var cursor = scored.GetRowCursor(_writer.Columns.Select(c => scored.Schema[c.Name]));
            if (!cursor.MoveNext())
            {
                throw new InvalidOperationException("The model produced no row for the example.");
            }

            _writer.Bind(cursor)(output);
            return output;
        }
        finally
        {
            _row[0] = null!;
        }
    }
}
