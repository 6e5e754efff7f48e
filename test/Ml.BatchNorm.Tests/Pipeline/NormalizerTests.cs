using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>
/// NormalizeMinMax and NormalizeMeanVariance against statistics computed by hand on a four-row table. Slot 0 holds
/// -1, 1, 3, 5: min -1, max 5, mean 2, population variance (9 + 1 + 1 + 9) / 4 = 5, mean square (1 + 1 + 9 + 25) / 4 = 9.
/// Slot 1 is constant (7), so it carries no information and maps to 0.
/// </summary>
[TestClass]
public sealed class NormalizerTests
{
    private sealed class Row
    {
        [VectorType(2)]
        public float[] Features { get; set; } = [];

        public float Value { get; set; }

        public string Text { get; set; } = "";
    }

    private static readonly float[] Slot0 = [-1, 1, 3, 5];

    private static IDataView Table(MlBnContext ctx) => ctx.Data.LoadFromEnumerable(
        Slot0.Select((x, i) => new Row { Features = [x, 7], Value = i == 1 ? float.NaN : x * 2, Text = "t" }).ToList());

    private static void AssertColumn(IReadOnlyList<float> expected, float[][] rows, int slot, double tolerance = 1e-6)
    {
        Assert.HasCount(expected.Count, rows);
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i], rows[i][slot], tolerance, $"row {i}, slot {slot}");
        }
    }

    [TestMethod]
    public void MinMaxWithFixZeroDividesByTheLargestMagnitude()
    {
        var ctx = new MlBnContext(seed: 1);
        var model = ctx.Transforms.NormalizeMinMax("Normalized", "Features").Fit(Table(ctx));
        Assert.AreEqual(1f / 5, model.Scale[0]);
        Assert.AreEqual(0f, model.Offset[0]);
        Assert.AreEqual(0f, model.Scale[1], "a constant slot maps to 0");
        var rows = ColumnReader.Vectors(model.Transform(Table(ctx)), "Normalized");
        AssertColumn([-0.2f, 0.2f, 0.6f, 1f], rows, 0);
        AssertColumn([0f, 0f, 0f, 0f], rows, 1);
    }

    [TestMethod]
    public void MinMaxWithoutFixZeroMapsTheRangeOntoZeroToOne()
    {
        var ctx = new MlBnContext(seed: 1);
        var model = ctx.Transforms.NormalizeMinMax("Features", fixZero: false).Fit(Table(ctx));
        Assert.AreEqual(-1f, model.Offset[0]);
        Assert.AreEqual(1f / 6, model.Scale[0]);
        var output = model.Transform(Table(ctx));
        Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 2), output.Schema["Features"].Type, "in place, same type");
        AssertColumn([0f, 2f / 6, 4f / 6, 1f], ColumnReader.Vectors(output, "Features"), 0);
    }

    [TestMethod]
    public void MeanVarianceUsesThePopulationVariance()
    {
        var ctx = new MlBnContext(seed: 1);
        var model = ctx.Transforms.NormalizeMeanVariance("Normalized", "Features", fixZero: false).Fit(Table(ctx));
        Assert.AreEqual(2f, model.Offset[0]);
        Assert.AreEqual(1 / Math.Sqrt(5), model.Scale[0], 1e-7);
        Assert.AreEqual(0f, model.Scale[1]);
        var rows = ColumnReader.Vectors(model.Transform(Table(ctx)), "Normalized");
        AssertColumn(Slot0.Select(x => (float)((x - 2) / Math.Sqrt(5))).ToArray(), rows, 0);
        AssertColumn([0f, 0f, 0f, 0f], rows, 1);
    }

    [TestMethod]
    public void MeanVarianceWithFixZeroDividesByTheRootMeanSquare()
    {
        var ctx = new MlBnContext(seed: 1);
        var model = ctx.Transforms.NormalizeMeanVariance("Normalized", "Features").Fit(Table(ctx));
        Assert.AreEqual(0f, model.Offset[0]);
        Assert.AreEqual(1 / 3.0, model.Scale[0], 1e-7, "1 / sqrt(variance + mean²) = 1 / sqrt(5 + 4)");
        AssertColumn([-1 / 3f, 1 / 3f, 1f, 5 / 3f], ColumnReader.Vectors(model.Transform(Table(ctx)), "Normalized"), 0);
    }

    [TestMethod]
    public void MeanVarianceWithCdfGivesNormalProbabilities()
    {
        var ctx = new MlBnContext(seed: 1);
        var model = ctx.Transforms.NormalizeMeanVariance("Normalized", "Features", useCdf: true).Fit(Table(ctx));
        Assert.IsTrue(model.UseCdf);
        var rows = ColumnReader.Vectors(model.Transform(Table(ctx)), "Normalized");

        // Phi((x - 2) / sqrt 5) for x = -1, 1, 3, 5; the erf approximation is good to about 1e-4.
        AssertColumn([0.0899f, 0.3274f, 0.6726f, 0.9101f], rows, 0, 1e-3);
        AssertColumn([0.5f, 0.5f, 0.5f, 0.5f], rows, 1);
        Assert.AreEqual(0.5f, NormalizingTransformer.NormalCdf(0f));
        Assert.IsTrue(float.IsNaN(NormalizingTransformer.NormalCdf(float.NaN)));
    }

    [TestMethod]
    public void ScalarColumnsSkipNaNWhenFittingAndKeepIt()
    {
        var ctx = new MlBnContext(seed: 1);

        // Value holds -2, NaN, 6, 10: the NaN is ignored, so the largest magnitude is 10.
        var model = ctx.Transforms.NormalizeMinMax("Value").Fit(Table(ctx));
        Assert.AreEqual(0.1f, model.Scale[0]);
        var values = ColumnReader.Values<float>(model.Transform(Table(ctx)), "Value");
        Assert.AreEqual(-0.2f, values[0], 1e-6);
        Assert.IsTrue(float.IsNaN(values[1]));
        Assert.AreEqual(1f, values[3], 1e-6);
    }

    [TestMethod]
    public void MaximumExampleCountLimitsTheRowsRead()
    {
        var ctx = new MlBnContext(seed: 1);

        // Only -1 and 1 are seen.
        var model = ctx.Transforms.NormalizeMinMax("Features", maximumExampleCount: 2).Fit(Table(ctx));
        Assert.AreEqual(1f, model.Scale[0]);
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ctx.Transforms.NormalizeMinMax("Features", maximumExampleCount: 1));
    }

    [TestMethod]
    public void WrongColumnsAreNamedBeforeAnyRowIsRead()
    {
        var ctx = new MlBnContext(seed: 1);
        var error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.NormalizeMinMax("Out", "Text").Fit(Table(ctx)));
        StringAssert.Contains(error.Message, "NormalizeMinMax");
        StringAssert.Contains(error.Message, "'Text'");
        StringAssert.Contains(error.Message, "Single");
        error = Assert.ThrowsExactly<ArgumentException>(() => ctx.Transforms.NormalizeMeanVariance("Out", "Missing").GetOutputSchema(Table(ctx).Schema));
        StringAssert.Contains(error.Message, "'Missing'");

        // A fitted normalizer names the column it misses.
        var model = ctx.Transforms.NormalizeMinMax("Features").Fit(Table(ctx));
        var other = Table(ctx).SelectColumns("Value");
        error = Assert.ThrowsExactly<ArgumentException>(() => model.Transform(other));
        StringAssert.Contains(error.Message, "'Features'");
    }
}
