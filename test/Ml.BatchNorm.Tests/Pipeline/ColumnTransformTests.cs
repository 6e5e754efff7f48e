using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Files;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>Concatenate, CopyColumns and DropColumns, and a saved chain of column transforms that scores identically after loading.</summary>
[TestClass]
public sealed class ColumnTransformTests
{
    private sealed class Row
    {
        public uint Label { get; set; }

        public float Weight { get; set; }

        [VectorType(3)]
        public float[] Pixels { get; set; } = [];

        public string Name { get; set; } = "";
    }

    private static IDataView Table(MlBnContext ctx) => ctx.Data.LoadFromEnumerable(Enumerable.Range(0, 5)
        .Select(i => new Row { Label = (uint)i, Weight = i * 0.5f, Pixels = [i, -i, 10 * i], Name = $"n{i}" }).ToList());

    [TestMethod]
    public void ConcatenateJoinsValuesAndVectorsInOrder()
    {
        var ctx = new MlBnContext(seed: 1);
        var output = ctx.Transforms.Concatenate("Features", "Weight", "Pixels", "Weight").Fit(Table(ctx)).Transform(Table(ctx));
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 5), output.Schema["Features"].Type);
        var rows = ColumnReader.Vectors(output, "Features");
        CollectionAssert.AreEqual(new[] { 1.5f, 3, -3, 30, 1.5f }, rows[3]);
    }

    [TestMethod]
    public void ConcatenateNamesAColumnOfTheWrongType()
    {
        var ctx = new MlBnContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.Concatenate("Features", "Weight", "Name").Fit(Table(ctx)));
        StringAssert.Contains(error.Message, "Concatenate");
        StringAssert.Contains(error.Message, "'Name'");
        StringAssert.Contains(error.Message, "Single");
        Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.Concatenate("Features"));
    }

    [TestMethod]
    public void CopyColumnsCopiesAnyType()
    {
        var ctx = new MlBnContext(seed: 1);
        var output = ctx.Transforms.CopyColumns("Name2", "Name")
            .Append(ctx.Transforms.CopyColumns("Pixels2", "Pixels"))
            .Fit(Table(ctx)).Transform(Table(ctx));
        CollectionAssert.AreEqual(ColumnReader.Values<string>(output, "Name"), ColumnReader.Values<string>(output, "Name2"));
        var copied = ColumnReader.Vectors(output, "Pixels2");
        CollectionAssert.AreEqual(new[] { 2f, -2, 20 }, copied[2]);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.CopyColumns("X", "Nope").Fit(Table(ctx)));
        StringAssert.Contains(error.Message, "'Nope'");
    }

    [TestMethod]
    public void DropColumnsRemovesThemAndNamesMissingOnes()
    {
        var ctx = new MlBnContext(seed: 1);
        var estimator = ctx.Transforms.DropColumns("Name", "Weight");
        var schema = estimator.GetOutputSchema(Table(ctx).Schema);
        CollectionAssert.AreEqual(new[] { "Label", "Pixels" }, schema.Select(c => c.Name).ToArray());
        var output = estimator.Fit(Table(ctx)).Transform(Table(ctx));
        Assert.IsNull(output.Schema.GetColumnOrNull("Name"));
        Assert.AreEqual(5L, output.GetRowCount());
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.DropColumns("Name", "Ghost").Fit(Table(ctx)));
        StringAssert.Contains(error.Message, "'Ghost'");
    }

    [TestMethod]
    public void ASavedChainOfColumnTransformsLoadsAndTransformsIdentically()
    {
        var ctx = new MlBnContext(seed: 1);
        var pipeline = ctx.Transforms.NormalizeMeanVariance("Scaled", "Pixels", fixZero: false)
            .Append(ctx.Transforms.NormalizeMinMax("Weight"))
            .Append(ctx.Transforms.CopyColumns("Copy", "Scaled"))
            .Append(ctx.Transforms.Concatenate("Features", "Copy", "Weight"))
            .Append(ctx.Transforms.NormalizeMeanVariance("Cdf", "Features", useCdf: true))
            .Append(ctx.Transforms.DropColumns("Name", "Copy"));
        var model = pipeline.Fit(Table(ctx));
        using var folder = new TempFolder();
        string path = folder.File("columns.zip");
        ctx.Model.Save(model, Table(ctx).Schema, path);
        var loaded = ctx.Model.Load(path, out var inputSchema);
        Assert.AreEqual(Table(ctx).Schema.ToString(), inputSchema.ToString());
        var expected = model.Transform(Table(ctx));
        var actual = loaded.Transform(Table(ctx));
        Assert.AreEqual(expected.Schema.ToString(), actual.Schema.ToString());
        foreach (string column in new[] { "Features", "Cdf", "Scaled" })
        {
            var e = ColumnReader.Vectors(expected, column);
            var a = ColumnReader.Vectors(actual, column);
            for (int i = 0; i < e.Length; i++)
            {
                CollectionAssert.AreEqual(e[i], a[i], $"{column} row {i}");
            }
        }

        CollectionAssert.AreEqual(ColumnReader.Values<float>(expected, "Weight"), ColumnReader.Values<float>(actual, "Weight"));
    }

    [TestMethod]
    public void AStageWithImpossibleParametersIsAModelFileErrorNamingIt()
    {
        using var folder = new TempFolder();
        string path = folder.File("bad.zip");
        var body = new JsonObject
        {
            ["inputSchema"] = SchemaJson.WriteSchema(new DataViewSchema.Builder().AddColumn("Img", new ImageDataViewType()).ToSchema()),
            ["stages"] = new JsonArray(new JsonObject
            {
                ["tag"] = "resize-images",
                ["version"] = 1,
                ["parameters"] = new JsonObject { ["outputColumnName"] = "Img", ["imageWidth"] = 0, ["imageHeight"] = 28, ["inputColumnName"] = "Img" },
            }),
        };
        ModelArchive.Write(path, ModelOperationsCatalog.Format, ModelOperationsCatalog.FormatVersion, body, new Dictionary<string, byte[]>());
        var error = Assert.ThrowsExactly<ModelFileException>(() => new MlBnContext().Model.Load(path, out _));
        StringAssert.Contains(error.Message, "'resize-images'");
        StringAssert.Contains(error.Message, "imageWidth");
    }
}
