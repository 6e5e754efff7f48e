namespace Ml.BatchNorm.Pipeline;

/// <summary>Drops columns (ML.NET's DropColumns); see <see cref="ColumnSelectingTransformer"/>.</summary>
public sealed class ColumnSelectingEstimator : TrivialEstimator<ColumnSelectingTransformer>
{
    internal ColumnSelectingEstimator(string[] columnsToDrop)
        : base(new ColumnSelectingTransformer(columnsToDrop))
    {
    }
}
