namespace Ml.BatchNorm.Pipeline;

/// <summary>Concatenates columns into one vector (ML.NET's Concatenate); see <see cref="ColumnConcatenatingTransformer"/>.</summary>
public sealed class ColumnConcatenatingEstimator : TrivialEstimator<ColumnConcatenatingTransformer>
{
    internal ColumnConcatenatingEstimator(string outputColumnName, string[] inputColumnNames)
        : base(new ColumnConcatenatingTransformer(outputColumnName, inputColumnNames))
    {
    }
}
