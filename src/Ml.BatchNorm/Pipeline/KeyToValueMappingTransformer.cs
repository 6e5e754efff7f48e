using System.Globalization;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Maps keys back to values (see <see cref="KeyToValueMappingEstimator"/>). The mapping comes from the input schema's key type, so nothing is stored.</summary>
public sealed class KeyToValueMappingTransformer : OneToOneColumnTransformer
{
    internal const string Tag = "map-key-to-value";
    internal const int Version = 1;
    private const string StageName = "MapKeyToValue";

    internal KeyToValueMappingTransformer(string outputColumnName, string inputColumnName)
        : base(outputColumnName, inputColumnName)
    {
    }

    private protected override string StageTag => Tag;

    private protected override int StageVersion => Version;

    private protected override DataViewType OutputType(DataViewSchema.Column input) => ValueTypeOf((KeyDataViewType)input.Type);

    private protected override IDataView Map(IDataView input, DataViewSchema.Column column)
    {
        var key = (KeyDataViewType)column.Type;
        var values = KeyValues.Of(key)?.Values ?? Names(key);
        return values switch
        {
            uint[] v => Map(input, column, v),
            int[] v => Map(input, column, v),
            float[] v => Map(input, column, v),
            string[] v => Map(input, column, v, string.Empty),
            _ => throw new InvalidOperationException($"{StageName}: unsupported value array {values.GetType().Name}."),
        };
    }

    internal static KeyToValueMappingTransformer Load(StageLoadContext context) =>
        new(context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"));

    private static DataViewType ValueTypeOf(KeyDataViewType key) => KeyValues.Of(key)?.ValueType ?? TextDataViewType.Instance;

    private static string[] Names(KeyDataViewType key) =>
        key.KeyNames?.ToArray() ?? Enumerable.Range(0, key.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private protected override DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, StageName, "a key column (Key<UInt32, n>)", t => t is KeyDataViewType);

    private MappedView Map<T>(IDataView input, DataViewSchema.Column column, T[] values, T missing = default!) =>
        new(input, [(OutputColumnName, ValueTypeOf((KeyDataViewType)column.Type))], [column], (cursor, _) =>
        {
            var read = cursor.GetGetter<uint>(column);
            uint key = 0;
            ValueGetter<T> getter = (ref T value) =>
            {
                read(ref key);
                value = key >= 1 && key <= values.Length ? values[key - 1] : missing;
            };
            return new BoundColumns([getter]);
        });
}
