using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Removes the named columns; the others keep their order. Every named column must exist.</summary>
public sealed class ColumnSelectingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "drop-columns";
    internal const int Version = 1;
    private const string StageName = "DropColumns";

    private readonly string[] _dropped;

    internal ColumnSelectingTransformer(string[] columnsToDrop)
    {
        ArgumentNullException.ThrowIfNull(columnsToDrop);
        if (columnsToDrop.Length == 0 || columnsToDrop.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{StageName} needs at least one column name, and no name may be empty.", nameof(columnsToDrop));
        }

        _dropped = columnsToDrop.Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>The columns removed.</summary>
    public IReadOnlyList<string> DroppedColumnNames => _dropped;

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        var builder = new DataViewSchema.Builder();
        foreach (var column in inputSchema.Where(c => !_dropped.Contains(c.Name)))
        {
            builder.AddColumn(column.Name, column.Type);
        }

        return builder.ToSchema();
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input.Schema);
        return input.DropColumns(_dropped);
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["columnsToDrop"] = JsonSerializer.SerializeToNode(_dropped),
    };

    internal static ColumnSelectingTransformer Load(StageLoadContext context) =>
        new(context.Parameters["columnsToDrop"]?.Deserialize<string[]>() ?? throw new JsonException("parameter 'columnsToDrop' is missing"));

    private void CheckInput(DataViewSchema schema)
    {
        foreach (string name in _dropped)
        {
            SchemaChecks.Require(schema, name, StageName, "a column to drop", _ => true);
        }
    }
}
