using System.Reflection;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds <see cref="OutputColumnName"/> holding the values of <see cref="InputColumnName"/>, of any type. A vector copy
/// shares the source row's buffer (valid until the cursor moves, like every vector a cursor yields).
/// </summary>
public sealed class ColumnCopyingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "copy-columns";
    internal const int Version = 1;
    private const string StageName = "CopyColumns";

    private static readonly MethodInfo ForwardMethod = typeof(ColumnCopyingTransformer).GetMethod(nameof(Forward), BindingFlags.NonPublic | BindingFlags.Static)!;

    internal ColumnCopyingTransformer(string outputColumnName, string inputColumnName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
    }

    /// <summary>The column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column copied.</summary>
    public string InputColumnName { get; }

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, column.Type)]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = CheckInput(input.Schema);

        // The getter's type is the column's raw type, known only at run time: bind it once per cursor.
        var forward = ForwardMethod.MakeGenericMethod(column.Type.RawType);
        return new MappedView(input, [(OutputColumnName, column.Type)], [column], (cursor, _) =>
            new BoundColumns([(Delegate)forward.Invoke(null, [cursor, column])!]));
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
    };

    internal static ColumnCopyingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"));

    private static ValueGetter<T> Forward<T>(DataViewRowCursor cursor, DataViewSchema.Column column) => cursor.GetGetter<T>(column);

    private DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, StageName, "a column of any type to copy", _ => true);
}
