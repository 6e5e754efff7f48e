using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

[TestClass]
public sealed class KeyMappingTests
{
    private sealed class Row
    {
        public uint Value { get; set; }

        public string Name { get; set; } = "";

        public float Weight { get; set; }
    }

    private static readonly Row[] Rows =
    [
        new() { Value = 7, Name = "shirt", Weight = 0.5f },
        new() { Value = 3, Name = "coat", Weight = -1f },
        new() { Value = 7, Name = "bag", Weight = 0.5f },
        new() { Value = 5, Name = "coat", Weight = 2f },
    ];

    private static List<T> Read<T>(IDataView view, string column)
    {
        var c = view.Schema[column];
        using var cursor = view.GetRowCursor([c]);
        var getter = cursor.GetGetter<T>(c);
        var result = new List<T>();
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }

        return result;
    }

    [TestMethod]
    public void ValuesBecomeSortedOneBasedKeysAndComeBack()
    {
        var ctx = new MlBnContext();
        var data = ctx.Data.LoadFromEnumerable(Rows);
        var pipeline = ctx.Transforms.Conversion.MapValueToKey("ValueKey", "Value")
            .Append(ctx.Transforms.Conversion.MapValueToKey("Name"))
            .Append(ctx.Transforms.Conversion.MapValueToKey("WeightKey", "Weight"))
            .Append(ctx.Transforms.Conversion.MapKeyToValue("ValueBack", "ValueKey"))
            .Append(ctx.Transforms.Conversion.MapKeyToValue("NameBack", "Name"))
            .Append(ctx.Transforms.Conversion.MapKeyToValue("WeightBack", "WeightKey"));
        var model = pipeline.Fit(data);
        var output = model.Transform(data);

        var valueKey = (KeyDataViewType)output.Schema["ValueKey"].Type;
        Assert.AreEqual(3, valueKey.Count);
        CollectionAssert.AreEqual(new[] { "3", "5", "7" }, valueKey.KeyNames!.ToArray());
        CollectionAssert.AreEqual(new uint[] { 3, 1, 3, 2 }, Read<uint>(output, "ValueKey"));
        CollectionAssert.AreEqual(new uint[] { 3, 2, 1, 2 }, Read<uint>(output, "Name"), "bag < coat < shirt");
        Assert.AreEqual(1, output.Schema["Name"].Index, "a same-named output replaces the input column in place");

        Assert.AreEqual(NumberDataViewType.UInt32, output.Schema["ValueBack"].Type);
        CollectionAssert.AreEqual(Rows.Select(r => r.Value).ToArray(), Read<uint>(output, "ValueBack"));
        CollectionAssert.AreEqual(Rows.Select(r => r.Name).ToArray(), Read<string>(output, "NameBack"));
        CollectionAssert.AreEqual(Rows.Select(r => r.Weight).ToArray(), Read<float>(output, "WeightBack"));
        Assert.AreEqual(model.GetOutputSchema(data.Schema).ToString(), output.Schema.ToString());
    }

    [TestMethod]
    public void UnseenValuesMapToTheMissingKey()
    {
        var ctx = new MlBnContext();
        var model = ctx.Transforms.Conversion.MapValueToKey("Value").Fit(ctx.Data.LoadFromEnumerable(Rows));
        var other = ctx.Data.LoadFromEnumerable(new[] { new Row { Value = 4 }, new Row { Value = 5 } });
        CollectionAssert.AreEqual(new uint[] { 0, 2 }, Read<uint>(model.Transform(other), "Value"));
    }

    [TestMethod]
    public void KeysWithoutValuesMapToTheirNames()
    {
        var ctx = new MlBnContext();
        var view = ctx.Data.LoadFromEnumerable(Rows);
        var keyed = new ValueToKeyLikeView(view);
        var back = ctx.Transforms.Conversion.MapKeyToValue("Text", "Key").Fit(keyed).Transform(keyed);
        Assert.AreEqual(TextDataViewType.Instance, back.Schema["Text"].Type);
        CollectionAssert.AreEqual(new[] { "b", "a", "b", "a" }, Read<string>(back, "Text"));
    }

    [TestMethod]
    public void MapValueToKeyRejectsUnsupportedTypesNamingTheColumn()
    {
        var ctx = new MlBnContext();
        var data = ctx.Data.LoadFromEnumerable(Rows).SelectColumns("Name");
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.Conversion.MapValueToKey("Missing").Fit(data));
        StringAssert.Contains(error.Message, "'Missing'");
    }

    /// <summary>A view with a named key column that carries no value mapping: Key = 2 for odd rows' value 7, else 1.</summary>
    private sealed class ValueToKeyLikeView(IDataView source) : IDataView
    {
        public DataViewSchema Schema { get; } = new DataViewSchema.Builder().AddColumn("Key", new KeyDataViewType(2, ["a", "b"])).ToSchema();

        public bool CanShuffle => false;

        public long? GetRowCount() => source.GetRowCount();

        public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) =>
            new KeyCursor(Schema, source.GetRowCursor([source.Schema["Value"]]));

        private sealed class KeyCursor(DataViewSchema schema, DataViewRowCursor inner) : DataViewRowCursor
        {
            public override DataViewSchema Schema => schema;

            public override long Position => inner.Position;

            public override bool MoveNext() => inner.MoveNext();

            public override bool IsColumnActive(DataViewSchema.Column column) => true;

            public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
            {
                var read = inner.GetGetter<uint>(inner.Schema["Value"]);
                ValueGetter<uint> getter = (ref uint key) =>
                {
                    uint v = 0;
                    read(ref v);
                    key = v == 7 ? 2u : 1u;
                };
                return (ValueGetter<TValue>)(Delegate)getter;
            }

            protected override void Dispose(bool disposing) => inner.Dispose();
        }
    }
}
