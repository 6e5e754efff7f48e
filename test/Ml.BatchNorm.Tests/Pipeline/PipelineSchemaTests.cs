using System.Diagnostics;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

[TestClass]
public sealed class PipelineSchemaTests
{
    private sealed class Row
    {
        public uint Label { get; set; }

        [VectorType(16)]
        public float[] Image { get; set; } = new float[16];
    }

    private sealed class TextRow
    {
        public string Label { get; set; } = "";

        public string Image { get; set; } = "";
    }

    private static IDataView ManyRows(MlBnContext ctx) =>
        ctx.Data.LoadFromEnumerable(Enumerable.Range(0, 5000).Select(i => new Row { Label = (uint)(i % 3) }).ToList());

    [TestMethod]
    public void MissingFeatureColumnFailsBeforeTraining()
    {
        var ctx = new MlBnContext(seed: 1);
        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { FeatureColumnName = "Pixels", Epochs = 50 }));
        var clock = Stopwatch.StartNew();
        var error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(ManyRows(ctx)));
        Assert.IsLessThan(2.0, clock.Elapsed.TotalSeconds, "no training ran");
        StringAssert.Contains(error.Message, "'Pixels'");
        Assert.ThrowsExactly<ArgumentException>(() => pipeline.GetOutputSchema(ManyRows(ctx).Schema));
    }

    [TestMethod]
    public void WrongTypesFailBeforeTrainingNamingTheColumn()
    {
        var ctx = new MlBnContext(seed: 1);

        // The label is not a key: MapValueToKey is missing.
        var noKey = ctx.MulticlassClassification.Trainers.BatchNormCnn(epochs: 50);
        var error = Assert.ThrowsExactly<ArgumentException>(() => noKey.Fit(ManyRows(ctx)));
        StringAssert.Contains(error.Message, "'Label'");
        StringAssert.Contains(error.Message, "key");

        // The image is text: the error names the column and the expected vector type, from the last stage of the chain.
        var text = ctx.Data.LoadFromEnumerable(new[] { new TextRow { Label = "a", Image = "x" } });
        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label").Append(ctx.MulticlassClassification.Trainers.BatchNormCnn());
        error = Assert.ThrowsExactly<ArgumentException>(() => pipeline.Fit(text));
        StringAssert.Contains(error.Message, "'Image'");
        StringAssert.Contains(error.Message, "Single vector");

        // MapKeyToValue on a column that is not a key.
        var odd = ctx.Data.LoadFromEnumerable(new[] { new Row() }).SelectColumns("Label");
        Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.Conversion.MapKeyToValue("Label").Fit(odd));
    }

    [TestMethod]
    public void OptionsAreValidatedAtTheEdgeNamingTheOption()
    {
        var ctx = new MlBnContext();
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { BatchSize = 0 }));
        StringAssert.Contains(error.Message, "BatchSize");
        var estimator = ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { Epochs = 2 });
        Assert.AreEqual(2, estimator.TrainingOptions.Epochs);
        Assert.AreEqual(new Ml.BatchNorm.Engine.TrainingOptions().BatchSize, estimator.TrainingOptions.BatchSize);
        Assert.AreEqual(7ul, new MlBnContext(seed: 7).MulticlassClassification.Trainers.BatchNormCnn().TrainingOptions.Seed);
    }
}
