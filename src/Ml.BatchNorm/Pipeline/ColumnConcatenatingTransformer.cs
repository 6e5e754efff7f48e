using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Adds <see cref="OutputColumnName"/>, a Single vector holding the input columns' values one after another, in the
/// given order. Inputs are Single values or known-size Single vectors; ML.NET also concatenates other item types
/// and variable-size vectors, which this layer does not need (its images and scores are all fixed-size Single).
/// </summary>
public sealed class ColumnConcatenatingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "concatenate";
    internal const int Version = 1;
    private const string StageName = "Concatenate";
    private const string Expected = "a Single or a known-size Single vector";

    private readonly string[] _inputs;

    internal ColumnConcatenatingTransformer(string outputColumnName, string[] inputColumnNames)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentNullException.ThrowIfNull(inputColumnNames);
        if (inputColumnNames.Length == 0 || inputColumnNames.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException($"{StageName} into '{outputColumnName}' needs at least one input column name, and no name may be empty.", nameof(inputColumnNames));
        }

        OutputColumnName = outputColumnName;
        _inputs = inputColumnNames.ToArray();
    }

    /// <summary>The vector column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The columns concatenated, in order.</summary>
    public IReadOnlyList<string> InputColumnNames => _inputs;

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var (_, size) = CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, size))]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (columns, size) = CheckInput(input.Schema);
        return new MappedView(input, [(OutputColumnName, new VectorDataViewType(NumberDataViewType.Single, size))], columns, (cursor, _) =>
        {
            var parts = columns.Select(c => c.Type is VectorDataViewType
                ? (Vector: cursor.GetGetter<VBuffer<float>>(c), Scalar: (ValueGetter<float>?)null)
                : (Vector: null, Scalar: cursor.GetGetter<float>(c))).ToArray();
            var buffer = new float[size];
            ValueGetter<VBuffer<float>> getter = (ref VBuffer<float> value) =>
            {
                int offset = 0;
                var vector = default(VBuffer<float>);
                float scalar = 0;
                for (int k = 0; k < parts.Length; k++)
                {
                    if (parts[k].Scalar is { } readScalar)
                    {
                        readScalar(ref scalar);
                        buffer[offset++] = scalar;
                        continue;
                    }

                    parts[k].Vector!(ref vector);
                    int expected = ((VectorDataViewType)columns[k].Type).Size;
                    if (vector.Length != expected)
                    {
                        throw new InvalidOperationException($"{StageName}: column '{columns[k].Name}' holds {vector.Length} values in this row; its type says {expected}.");
                    }

                    vector.GetValues().CopyTo(buffer.AsSpan(offset));
                    offset += expected;
                }

                value = new VBuffer<float>(buffer);
            };
            return new BoundColumns([getter]);
        });
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnNames"] = JsonSerializer.SerializeToNode(_inputs),
    };

    internal static ColumnConcatenatingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.Parameters["inputColumnNames"]?.Deserialize<string[]>() ?? throw new JsonException("parameter 'inputColumnNames' is missing"));

    private (DataViewSchema.Column[] Columns, int Size) CheckInput(DataViewSchema schema)
    {
        var columns = _inputs.Select(name => SchemaChecks.Require(schema, name, StageName, Expected, IsSupported)).ToArray();
        long size = columns.Sum(c => c.Type is VectorDataViewType v ? (long)v.Size : 1L);
        if (size > Array.MaxLength)
        {
            throw new ArgumentException($"{StageName}: '{OutputColumnName}' would hold {size} values, more than an array can.", nameof(schema));
        }

        return (columns, (int)size);
    }

    private static bool IsSupported(DataViewType type) =>
        type == NumberDataViewType.Single || type is VectorDataViewType { IsKnownSize: true } v && v.ItemType == NumberDataViewType.Single;
}
