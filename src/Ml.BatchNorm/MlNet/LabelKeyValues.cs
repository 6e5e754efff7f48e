using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ml.BatchNorm;

/// <summary>
/// The label key's values in key order (its "KeyValues" annotation; "0".."K-1" as text when it has none) and the
/// ML.NET transforms that map a class index back to them, typed by the values' own type.
/// </summary>
internal abstract class LabelKeyValues
{
    private const string KeyValuesKind = "KeyValues";

    /// <summary>The number of classes (the key's count).</summary>
    public abstract int Count { get; }

    /// <summary>Each class's value as text, in key order: Score's slot names and the model's class names.</summary>
    public abstract IReadOnlyList<string> Names { get; }

    /// <summary>Reads the values of a key column.</summary>
    public static LabelKeyValues Of(DataViewSchema.Column label)
    {
        var key = (KeyDataViewType)label.Type;
        int count = checked((int)key.Count);
        var itemType = (label.Annotations.Schema.GetColumnOrNull(KeyValuesKind)?.Type as VectorDataViewType)?.ItemType;
        return itemType?.RawType switch
        {
            null => new Typed<string>(Enumerable.Range(0, count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray()),
            var t when t == typeof(ReadOnlyMemory<char>) => new Typed<string>(Read<ReadOnlyMemory<char>>(label, count).Select(v => v.ToString()).ToArray()),
            var t when t == typeof(uint) => new Typed<uint>(Read<uint>(label, count)),
            var t when t == typeof(int) => new Typed<int>(Read<int>(label, count)),
            var t when t == typeof(long) => new Typed<long>(Read<long>(label, count)),
            var t when t == typeof(ulong) => new Typed<ulong>(Read<ulong>(label, count)),
            var t when t == typeof(ushort) => new Typed<ushort>(Read<ushort>(label, count)),
            var t when t == typeof(short) => new Typed<short>(Read<short>(label, count)),
            var t when t == typeof(byte) => new Typed<byte>(Read<byte>(label, count)),
            var t when t == typeof(sbyte) => new Typed<sbyte>(Read<sbyte>(label, count)),
            var t when t == typeof(float) => new Typed<float>(Read<float>(label, count)),
            var t when t == typeof(double) => new Typed<double>(Read<double>(label, count)),
            var t when t == typeof(bool) => new Typed<bool>(Read<bool>(label, count)),
            _ => throw new ArgumentOutOfRangeException(nameof(label),
                $"{ColumnChecks.TrainerName}: label column '{label.Name}' has key values of type {itemType}; text or a number is expected."),
        };
    }

    /// <summary>MapValue from the hash of class index i to value i.</summary>
    public abstract IEstimator<ITransformer> MapHashToValue(MLContext ml, uint[] hashes, string inputColumnName, string outputColumnName);

    /// <summary>The values in key order, as the key data of MapValueToKey.</summary>
    public abstract IDataView KeyData(MLContext ml);

    private static T[] Read<T>(DataViewSchema.Column label, int count)
    {
        var values = default(VBuffer<T>);
        label.Annotations.GetValue(KeyValuesKind, ref values);
        var dense = new T[values.Length];
        values.CopyTo(dense);
        if (dense.Length != count)
        {
            throw new ArgumentOutOfRangeException(nameof(label),
                $"{ColumnChecks.TrainerName}: label column '{label.Name}' is a key of {count} values but its KeyValues annotation holds {dense.Length}.");
        }

        return dense;
    }

    private sealed class Typed<T>(T[] values) : LabelKeyValues
    {
        public override int Count => values.Length;

        public override IReadOnlyList<string> Names { get; } =
            values.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "").ToArray();

        public override IEstimator<ITransformer> MapHashToValue(MLContext ml, uint[] hashes, string inputColumnName, string outputColumnName) =>
            ml.Transforms.Conversion.MapValue(outputColumnName, hashes.Select((h, i) => new KeyValuePair<uint, T>(h, values[i])), inputColumnName);

        public override IDataView KeyData(MLContext ml) =>
            ml.Data.LoadFromEnumerable(values.Select(v => new ValueRow { Value = v }));

        private sealed class ValueRow
        {
            public T Value { get; set; } = default!;
        }
    }
}
