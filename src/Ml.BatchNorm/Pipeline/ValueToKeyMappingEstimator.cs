using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Learns the distinct values of a UInt32, Int32, Single or String column and maps each value to a key
/// (Key&lt;UInt32, n&gt;): the i-th smallest value (ordinal order for text) becomes key i + 1, as in ML.NET; values not
/// seen at Fit (and NaN) become key 0, "missing". The key names are the values' invariant texts.
/// </summary>
public sealed class ValueToKeyMappingEstimator : IEstimator<ValueToKeyMappingTransformer>
{
    internal const string StageName = "MapValueToKey";
    internal const string ExpectedTypes = "a UInt32, Int32, Single or String column";

    internal ValueToKeyMappingEstimator(string outputColumnName, string? inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
    }

    /// <summary>The key column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column whose values are mapped.</summary>
    public string InputColumnName { get; }

    internal static bool IsSupported(DataViewType type) =>
        type == NumberDataViewType.UInt32 || type == NumberDataViewType.Int32 || type == NumberDataViewType.Single || type == TextDataViewType.Instance;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = SchemaChecks.Require(inputSchema, InputColumnName, StageName, ExpectedTypes, IsSupported);

        // The count is unknown until Fit; a one-key placeholder gives the right shape and type.
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, new KeyDataViewType(1, [column.Name]))]).Schema;
    }

    /// <summary>Reads the input column once and keeps its sorted distinct values.</summary>
    /// <exception cref="InvalidOperationException">The column holds no value.</exception>
    public ValueToKeyMappingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var column = input.Schema[InputColumnName];
        var type = (PrimitiveDataViewType)column.Type;
        Array values = type == NumberDataViewType.UInt32 ? Distinct<uint>(input, column, Comparer<uint>.Default)
            : type == NumberDataViewType.Int32 ? Distinct<int>(input, column, Comparer<int>.Default)
            : type == NumberDataViewType.Single ? Distinct<float>(input, column, Comparer<float>.Default)
            : Distinct<string>(input, column, StringComparer.Ordinal);
        if (values.Length == 0)
        {
            throw new InvalidOperationException($"{StageName}: column '{InputColumnName}' holds no value to make keys of.");
        }

        return new ValueToKeyMappingTransformer(OutputColumnName, InputColumnName, type, values);
    }

    private static T[] Distinct<T>(IDataView input, DataViewSchema.Column column, IComparer<T> order)
    {
        var seen = new SortedSet<T>(order);
        using var cursor = input.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            if (value is not float f || !float.IsNaN(f))
            {
                seen.Add(value);
            }
        }

        return seen.ToArray();
    }
}
