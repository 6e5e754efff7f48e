namespace Ml.BatchNorm.Pipeline;

/// <summary>Value-to-key and key-to-value mappings: <c>ctx.Transforms.Conversion</c>.</summary>
public sealed class ConversionCatalog
{
    internal ConversionCatalog()
    {
    }

    /// <summary>Maps the values of <paramref name="inputColumnName"/> (default: the output name) to keys learned at Fit; see <see cref="ValueToKeyMappingEstimator"/>.</summary>
    public ValueToKeyMappingEstimator MapValueToKey(string outputColumnName, string? inputColumnName = null) => new(outputColumnName, inputColumnName);

    /// <summary>Maps the keys of <paramref name="inputColumnName"/> (default: the output name) back to values; see <see cref="KeyToValueMappingEstimator"/>.</summary>
    public KeyToValueMappingEstimator MapKeyToValue(string outputColumnName, string? inputColumnName = null) => new(outputColumnName, inputColumnName);
}
