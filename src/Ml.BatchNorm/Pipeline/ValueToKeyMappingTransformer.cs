using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Maps values to the keys learned by <see cref="ValueToKeyMappingEstimator"/>; unseen values map to key 0 (missing).</summary>
public sealed class ValueToKeyMappingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "map-value-to-key";
    internal const int Version = 1;

    private readonly KeyDataViewType _keyType;
    private readonly KeyValues _values;
    private readonly string[]? _keyNames;

    // keyNames: display names of the keys in place of the values' texts (an engine model's class names).
    internal ValueToKeyMappingTransformer(string outputColumnName, string inputColumnName, PrimitiveDataViewType valueType, Array values, IReadOnlyList<string>? keyNames = null)
    {
        if (keyNames is not null && keyNames.Count != values.Length)
        {
            throw new ArgumentException($"{ValueToKeyMappingEstimator.StageName}: {keyNames.Count} key names for {values.Length} values.", nameof(keyNames));
        }

        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _values = new KeyValues(valueType, values);
        _keyNames = keyNames?.ToArray();
        _keyType = _keyNames is null ? KeyValues.CreateKeyType(valueType, values) : KeyValues.CreateKeyType(_keyNames, _values);
    }

    /// <summary>The key column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column whose values are mapped.</summary>
    public string InputColumnName { get; }

    /// <summary>The key type of <see cref="OutputColumnName"/>: one key per learned value, named by it.</summary>
    public KeyDataViewType KeyType => _keyType;

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, _keyType)]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = CheckInput(input.Schema);
        return _values.Values switch
        {
            uint[] v => Map(input, column, v, EqualityComparer<uint>.Default),
            int[] v => Map(input, column, v, EqualityComparer<int>.Default),
            float[] v => Map(input, column, v, EqualityComparer<float>.Default),
            string[] v => Map(input, column, v, StringComparer.Ordinal),
            _ => throw new InvalidOperationException($"{ValueToKeyMappingEstimator.StageName}: unsupported value array {_values.Values.GetType().Name}."),
        };
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
        ["valueType"] = SchemaJson.Write(_values.ValueType),
        ["values"] = JsonSerializer.SerializeToNode(_values.Values, _values.Values.GetType()),
        ["keyNames"] = _keyNames is null ? null : JsonSerializer.SerializeToNode(_keyNames),
    };

    internal static ValueToKeyMappingTransformer Load(StageLoadContext context)
    {
        var p = context.Parameters;
        var type = SchemaJson.Read(p["valueType"] ?? throw new JsonException("no valueType")) as PrimitiveDataViewType;
        var valuesNode = p["values"] ?? throw new JsonException("no values");
        Array values = type == NumberDataViewType.UInt32 ? valuesNode.Deserialize<uint[]>()!
            : type == NumberDataViewType.Int32 ? valuesNode.Deserialize<int[]>()!
            : type == NumberDataViewType.Single ? valuesNode.Deserialize<float[]>()!
            : type == TextDataViewType.Instance ? valuesNode.Deserialize<string[]>()!
            : throw new JsonException($"unsupported valueType {type}");
        if (values.Length == 0)
        {
            throw new JsonException("no values");
        }

        var keyNames = p["keyNames"]?.Deserialize<string[]>();
        return new ValueToKeyMappingTransformer(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"), type, values, keyNames);
    }

    private DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, ValueToKeyMappingEstimator.StageName, $"{_values.ValueType} (the type seen at Fit)", t => t.Equals(_values.ValueType));

    private MappedView Map<T>(IDataView input, DataViewSchema.Column column, T[] values, IEqualityComparer<T> comparer)
        where T : notnull
    {
        var keys = new Dictionary<T, uint>(values.Length, comparer);
        for (int i = 0; i < values.Length; i++)
        {
            keys[values[i]] = (uint)(i + 1);
        }

        return new MappedView(input, [(OutputColumnName, _keyType)], [column], (cursor, _) =>
        {
            var read = cursor.GetGetter<T>(column);
            T value = default!;
            ValueGetter<uint> getter = (ref uint key) =>
            {
                read(ref value);
                key = value is not null && keys.TryGetValue(value, out uint k) ? k : 0;
            };
            return new BoundColumns([getter]);
        });
    }
}
