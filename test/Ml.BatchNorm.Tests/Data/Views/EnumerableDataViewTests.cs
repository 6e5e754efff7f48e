using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class EnumerableDataViewTests
{
    private sealed class Digit
    {
        [ColumnName("Label")]
        public uint Class;

        [VectorType(3)]
        public float[] Pixels = [];

        public double Weight { get; set; }

        public int Index { get; set; }

        public long Id { get; set; }

        public byte Code { get; set; }

        public bool Ok { get; set; }

        [LoadColumn(0)]
        public string? Note { get; set; }
    }

    private sealed class Unsupported
    {
        public decimal Price { get; set; }
    }

    private sealed class VectorOnScalar
    {
        [VectorType(2)]
        public float Value { get; set; }
    }

    private sealed class SameName
    {
        [ColumnName("X")]
        public float A { get; set; }

        public float X { get; set; }
    }

    private sealed class Empty
    {
    }

    private sealed class Variable
    {
        public float[]? Values { get; set; }
    }

    private static Digit[] TwoDigits() =>
    [
        new() { Class = 7, Pixels = [0.1f, 0.2f, 0.3f], Weight = 2.5, Index = -4, Id = 1L << 40, Code = 200, Ok = true, Note = "seven" },
        new() { Class = 1, Pixels = [1f, 0f, 1f], Note = null },
    ];

    [TestMethod]
    public void MembersBecomeTypedColumnsWithAttributes()
    {
        var view = DataViewLoaders.LoadFromEnumerable(TwoDigits());

        Assert.AreEqual(
            "Label: UInt32, Pixels: Vector<Single, 3>, Weight: Double, Index: Int32, Id: Int64, Code: Byte, Ok: Boolean, Note: String",
            view.Schema.ToString());
        Assert.AreEqual(2L, view.GetRowCount());
        Assert.IsTrue(view.CanShuffle);
    }

    [TestMethod]
    public void CursorReadsEveryValue()
    {
        var preview = DataViewLoaders.LoadFromEnumerable(TwoDigits()).Preview();
        var first = preview.RowView[0];

        Assert.AreEqual(7u, first["Label"]);
        CollectionAssert.AreEqual(new[] { 0.1f, 0.2f, 0.3f }, ((VBuffer<float>)first["Pixels"]).ToArray());
        Assert.AreEqual(2.5, first["Weight"]);
        Assert.AreEqual(-4, first["Index"]);
        Assert.AreEqual(1L << 40, first["Id"]);
        Assert.AreEqual((byte)200, first["Code"]);
        Assert.AreEqual(true, first["Ok"]);
        Assert.AreEqual("seven", first["Note"]);
        Assert.AreEqual(string.Empty, preview.RowView[1]["Note"], "a null string reads as empty");
    }

    [TestMethod]
    public void StreamsALazySequence()
    {
        int produced = 0;
        IEnumerable<Digit> Rows()
        {
            for (uint i = 0; i < 1000; i++)
            {
                produced++;
                yield return new Digit { Class = i, Pixels = [0f, 0f, 0f] };
            }
        }

        var view = DataViewLoaders.LoadFromEnumerable(Rows());

        Assert.AreEqual(0, produced);
        Assert.IsNull(view.GetRowCount());
        Assert.IsFalse(view.CanShuffle);
        CollectionAssert.AreEqual(new uint[] { 0, 1, 2 }, ViewTestData.Labels(view.Take(3)));
        Assert.AreEqual(3, produced);
    }

    [TestMethod]
    public void ListsCanBeShuffled()
    {
        var rows = Enumerable.Range(0, 20).Select(i => new Digit { Class = (uint)i, Pixels = [0f, 0f, 0f] }).ToList();

        var labels = ViewTestData.Labels(DataViewLoaders.LoadFromEnumerable(rows).ShuffleRows(9));

        CollectionAssert.AreEquivalent(Enumerable.Range(0, 20).Select(i => (uint)i).ToArray(), labels);
        CollectionAssert.AreEqual(labels, ViewTestData.Labels(DataViewLoaders.LoadFromEnumerable(rows).ShuffleRows(9)));
    }

    [TestMethod]
    public void VectorOfTheWrongLengthNamesMemberAndRow()
    {
        var rows = TwoDigits();
        rows[1].Pixels = [1f, 2f];
        var view = DataViewLoaders.LoadFromEnumerable(rows);

        Assert.AreEqual(7u, view.Preview(maxRows: 1).RowView[0]["Label"], "the bad row is not reached");
        var error = Assert.ThrowsExactly<InvalidOperationException>(() => view.Preview());

        StringAssert.Contains(error.Message, "Digit.Pixels");
        StringAssert.Contains(error.Message, "row 1");
        StringAssert.Contains(error.Message, "holds 2 values");
        StringAssert.Contains(error.Message, "[VectorType(3)]");
    }

    [TestMethod]
    public void NullVectorAndNullRowAreErrors()
    {
        var rows = TwoDigits();
        rows[0].Pixels = null!;
        var nullVector = Assert.ThrowsExactly<InvalidOperationException>(() => DataViewLoaders.LoadFromEnumerable(rows).Preview());
        StringAssert.Contains(nullVector.Message, "row 0");
        StringAssert.Contains(nullVector.Message, "is null");

        var nullRow = Assert.ThrowsExactly<InvalidOperationException>(() => DataViewLoaders.LoadFromEnumerable(new Digit[] { TwoDigits()[0], null! }).Preview());
        StringAssert.Contains(nullRow.Message, "Row 1");
    }

    [TestMethod]
    public void VariableSizeVectorsAcceptAnyLength()
    {
        var view = DataViewLoaders.LoadFromEnumerable(new[] { new Variable { Values = [1f] }, new Variable { Values = null } });

        Assert.AreEqual("Values: Vector<Single>", view.Schema.ToString());
        var preview = view.Preview();
        Assert.AreEqual(1, ((VBuffer<float>)preview.RowView[0]["Values"]).Length);
        Assert.AreEqual(0, ((VBuffer<float>)preview.RowView[1]["Values"]).Length);
    }

    [TestMethod]
    public void UnsupportedClassesAreRejectedNamingTheMember()
    {
        var unsupported = Assert.ThrowsExactly<ArgumentException>(() => DataViewLoaders.LoadFromEnumerable(Array.Empty<Unsupported>()));
        StringAssert.Contains(unsupported.Message, "Unsupported.Price is Decimal");

        var vectorOnScalar = Assert.ThrowsExactly<ArgumentException>(() => DataViewLoaders.LoadFromEnumerable(Array.Empty<VectorOnScalar>()));
        StringAssert.Contains(vectorOnScalar.Message, "VectorOnScalar.Value has [VectorType]");

        var sameName = Assert.ThrowsExactly<ArgumentException>(() => DataViewLoaders.LoadFromEnumerable(Array.Empty<SameName>()));
        StringAssert.Contains(sameName.Message, "'X'");

        var empty = Assert.ThrowsExactly<ArgumentException>(() => DataViewLoaders.LoadFromEnumerable(Array.Empty<Empty>()));
        StringAssert.Contains(empty.Message, "Empty has no public");
    }

    [TestMethod]
    public void AttributesValidateTheirArguments()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new VectorTypeAttribute(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LoadColumnAttribute(-1));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new LoadColumnAttribute(5, 4));
        var range = new LoadColumnAttribute(1, 784);
        Assert.AreEqual(1, range.Start);
        Assert.AreEqual(784, range.End);
    }
}
