using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A fitted pipeline stage: maps data views to data views. <see cref="Transform"/> is lazy: it returns a view at
/// once, and the work (key lookups, network scoring) happens as cursors of that view move.
/// </summary>
public interface ITransformer
{
    /// <summary>The schema <see cref="Transform"/> would produce for <paramref name="inputSchema"/>.</summary>
    /// <exception cref="ArgumentException">A column this stage reads is missing or has the wrong type; the message names it.</exception>
    DataViewSchema GetOutputSchema(DataViewSchema inputSchema);

    /// <summary>A view of <paramref name="input"/> with this stage's columns added (or replacing same-named ones).</summary>
    /// <exception cref="ArgumentException">A column this stage reads is missing or has the wrong type.</exception>
    IDataView Transform(IDataView input);
}
