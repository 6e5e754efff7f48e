using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Maps a key column back to values: to the original values when the key came from MapValueToKey (directly or
/// through a trainer's PredictedLabel), otherwise to the key names as text (or the 0-based category number when the
/// key has no names). Key 0 (missing) maps to the default value (0, or the empty string). Learns nothing.
/// </summary>
public sealed class KeyToValueMappingEstimator : IEstimator<KeyToValueMappingTransformer>
{
    internal KeyToValueMappingEstimator(string outputColumnName, string? inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
    }

    /// <summary>The value column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The key column read.</summary>
    public string InputColumnName { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema) =>
        new KeyToValueMappingTransformer(OutputColumnName, InputColumnName).GetOutputSchema(inputSchema);

    /// <inheritdoc/>
    public KeyToValueMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        return new KeyToValueMappingTransformer(OutputColumnName, InputColumnName);
    }
}
