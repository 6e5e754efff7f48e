using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A transformer that reads one column and adds one (ML.NET's one-to-one transformers): what they share is the
/// pair of names, the input check before the schema or the view is made, and saving the names with the stage.
/// </summary>
public abstract class OneToOneColumnTransformer : ITransformer, IPipelineStage
{
    private protected OneToOneColumnTransformer(string outputColumnName, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column read.</summary>
    public string InputColumnName { get; }

    string IPipelineStage.StageTag => StageTag;

    int IPipelineStage.StageVersion => StageVersion;

    private protected abstract string StageTag { get; }

    private protected abstract int StageVersion { get; }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, OutputType(column))]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Map(input, CheckInput(input.Schema));
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix)
    {
        var parameters = new JsonObject
        {
            ["outputColumnName"] = OutputColumnName,
            ["inputColumnName"] = InputColumnName,
        };
        SaveParameters(parameters);
        return parameters;
    }

    /// <summary>The input column, checked: the error names it and says what was expected.</summary>
    private protected abstract DataViewSchema.Column CheckInput(DataViewSchema schema);

    /// <summary>The type of the column made from <paramref name="input"/>.</summary>
    private protected abstract DataViewType OutputType(DataViewSchema.Column input);

    /// <summary>The lazy view adding the output column.</summary>
    private protected abstract IDataView Map(IDataView input, DataViewSchema.Column column);

    /// <summary>Parameters beyond the two names.</summary>
    private protected virtual void SaveParameters(JsonObject parameters)
    {
    }
}
