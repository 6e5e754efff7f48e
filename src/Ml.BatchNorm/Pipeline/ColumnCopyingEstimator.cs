namespace Ml.BatchNorm.Pipeline;

/// <summary>Copies a column under a new name (ML.NET's CopyColumns); see <see cref="ColumnCopyingTransformer"/>.</summary>
public sealed class ColumnCopyingEstimator : TrivialEstimator<ColumnCopyingTransformer>
{
    internal ColumnCopyingEstimator(string outputColumnName, string inputColumnName)
        : base(new ColumnCopyingTransformer(outputColumnName, inputColumnName))
    {
    }
}
