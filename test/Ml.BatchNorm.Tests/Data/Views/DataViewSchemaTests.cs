using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class DataViewSchemaTests
{
    private static DataViewSchema LabelAndImage() => new DataViewSchema.Builder()
        .AddColumn("Label", NumberDataViewType.UInt32)
        .AddColumn("Image", new VectorDataViewType(NumberDataViewType.Single, 784))
        .ToSchema();

    [TestMethod]
    public void BuilderMakesIndexedNamedColumns()
    {
        var schema = LabelAndImage();

        Assert.HasCount(2, schema);
        Assert.AreEqual("Image", schema[1].Name);
        Assert.AreEqual(1, schema["Image"].Index);
        Assert.AreEqual(NumberDataViewType.UInt32, schema["Label"].Type);
        Assert.AreEqual("Image: Vector<Single, 784>", schema["Image"].ToString());
        Assert.AreEqual("Label: UInt32, Image: Vector<Single, 784>", schema.ToString());
        Assert.IsNull(schema.GetColumnOrNull("image"), "names are case-sensitive");
        CollectionAssert.AreEqual(new[] { "Label", "Image" }, schema.Select(c => c.Name).ToArray());
    }

    [TestMethod]
    public void UnknownNameErrorListsTheColumns()
    {
        var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => LabelAndImage()["Features"]);

        StringAssert.Contains(error.Message, "'Features'");
        StringAssert.Contains(error.Message, "Label: UInt32, Image: Vector<Single, 784>");
    }

    [TestMethod]
    public void BuilderRejectsDuplicateNames()
    {
        var builder = new DataViewSchema.Builder().AddColumn("Label", NumberDataViewType.UInt32);

        var error = Assert.ThrowsExactly<ArgumentException>(() => builder.AddColumn("Label", NumberDataViewType.Single));
        StringAssert.Contains(error.Message, "'Label'");
    }
}
