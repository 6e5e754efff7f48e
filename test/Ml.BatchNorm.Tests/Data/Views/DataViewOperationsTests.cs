using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class DataViewOperationsTests
{
    private static IDataView Six() => DataViewLoaders.FromImageDataset(ViewTestData.SixImages());

    [TestMethod]
    public void TakeAndSkipSelectRowRanges()
    {
        CollectionAssert.AreEqual(new[] { 0, 10, 20 }, ViewTestData.FirstPixels(Six().Take(3)));
        CollectionAssert.AreEqual(new[] { 40, 50 }, ViewTestData.FirstPixels(Six().Skip(4)));
        CollectionAssert.AreEqual(new[] { 20, 30 }, ViewTestData.FirstPixels(Six().Skip(2).Take(2)));
        Assert.AreEqual(3L, Six().Take(3).GetRowCount());
        Assert.AreEqual(6L, Six().Take(100).GetRowCount());
        Assert.AreEqual(0L, Six().Skip(10).GetRowCount());
        Assert.IsEmpty(ViewTestData.Labels(Six().Skip(10)));
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Six().Take(-1));
    }

    [TestMethod]
    public void FilterKeepsMatchingRowsInOrder()
    {
        var filtered = Six().FilterByCustomPredicate<uint>("Label", label => label == 1);

        CollectionAssert.AreEqual(new[] { 10, 40 }, ViewTestData.FirstPixels(filtered));
        Assert.IsNull(filtered.GetRowCount());
        Assert.IsFalse(filtered.CanShuffle);
        var byImage = Six().FilterByCustomPredicate<VBuffer<float>>("Image", image => image.GetValues()[0] > 0.1f);
        CollectionAssert.AreEqual(new[] { 30, 40, 50 }, ViewTestData.FirstPixels(byImage));
    }

    [TestMethod]
    public void FilterChecksColumnAndType()
    {
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Six().FilterByCustomPredicate<uint>("Class", _ => true));
        var error = Assert.ThrowsExactly<ArgumentException>(() => Six().FilterByCustomPredicate<int>("Label", _ => true));
        StringAssert.Contains(error.Message, "'Label'");
        StringAssert.Contains(error.Message, "Int32");
    }

    [TestMethod]
    public void SelectAndDropColumnsReshapeTheSchema()
    {
        var selected = Six().SelectColumns("Image", "Label");
        var dropped = Six().DropColumns("Label");

        Assert.AreEqual("Image: Vector<Single, 2>, Label: UInt32", selected.Schema.ToString());
        CollectionAssert.AreEqual(new uint[] { 0, 1, 2, 0, 1, 2 }, ViewTestData.Labels(selected));
        CollectionAssert.AreEqual(new[] { 0, 10, 20, 30, 40, 50 }, ViewTestData.FirstPixels(selected));
        Assert.AreEqual("Image: Vector<Single, 2>", dropped.Schema.ToString());
        CollectionAssert.AreEqual(new[] { 0, 10, 20, 30, 40, 50 }, ViewTestData.FirstPixels(dropped));
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Six().SelectColumns("Features"));
        StringAssert.Contains(error.Message, "'Features'");
    }

    [TestMethod]
    public void ShuffleRowsIsASeededPermutation()
    {
        var data = ImageDataset.FromBytes(Enumerable.Range(0, 50).Select(i => (byte)i).ToArray(), new byte[50], 1, 1, ["x"], "fifty");
        int[] Order(ulong seed) => ViewTestData.FirstPixels(DataViewLoaders.FromImageDataset(data).ShuffleRows(seed));

        int[] first = Order(7);
        CollectionAssert.AreEqual(first, Order(7));
        CollectionAssert.AreEquivalent(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreNotEqual(Enumerable.Range(0, 50).ToArray(), first);
        CollectionAssert.AreNotEqual(first, Order(8));
    }

    [TestMethod]
    public void ShuffleRowsComposesWithColumnAndRowOperations()
    {
        var shuffled = Six().ShuffleRows(3);
        int[] order = ViewTestData.FirstPixels(shuffled);

        CollectionAssert.AreEqual(order.Take(4).ToArray(), ViewTestData.FirstPixels(shuffled.Take(4)));
        CollectionAssert.AreEqual(order, ViewTestData.FirstPixels(shuffled.DropColumns("Label")));
        var reshuffled = Six().Skip(2).ShuffleRows(5);
        CollectionAssert.AreEquivalent(new[] { 20, 30, 40, 50 }, ViewTestData.FirstPixels(reshuffled));
    }

    [TestMethod]
    public void ShuffleRowsRejectsStreamingViews()
    {
        var filtered = Six().FilterByCustomPredicate<uint>("Label", _ => true);

        var error = Assert.ThrowsExactly<ArgumentException>(() => filtered.ShuffleRows(1));
        StringAssert.Contains(error.Message, "random access");
    }

    [TestMethod]
    public void PreviewShowsRowsAndColumns()
    {
        var preview = Six().Preview(maxRows: 4);

        Assert.AreEqual(Six().Schema.ToString(), preview.Schema.ToString());
        Assert.HasCount(4, preview.RowView);
        Assert.HasCount(2, preview.ColumnView);
        Assert.AreEqual(2u, preview.RowView[2]["Label"]);
        var image = (VBuffer<float>)preview.RowView[3]["Image"];
        Assert.AreEqual(30 / 255f, image.GetValues()[0], "each previewed vector is a copy, not the cursor's reused buffer");
        Assert.AreEqual("Label: 0, Image: [0, 0.003921569]", preview.RowView[0].ToString());
        CollectionAssert.AreEqual(new object[] { 0u, 1u, 2u, 0u }, preview.ColumnView[0].Values.ToArray());
        Assert.AreEqual("Label: UInt32 (4 values)", preview.ColumnView[0].ToString());
        Assert.HasCount(6, Six().Preview().RowView);
        Assert.ThrowsExactly<KeyNotFoundException>(() => preview.RowView[0]["Features"]);
    }
}
