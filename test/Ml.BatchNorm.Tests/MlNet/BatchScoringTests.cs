using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Tests.Onnx;

namespace Ml.BatchNorm.Tests.MlNet;

/// <summary>
/// The fitted transformer's Transform scores many rows per ONNX Runtime call (<see cref="BatchScoredView"/>); the
/// model file it saves runs ML.NET's ONNX transformer one row per call. Both must give the same schema, the same
/// predicted labels and scores within 1e-5, over row counts that leave a partial last batch.
/// </summary>
[TestClass]
public sealed class BatchScoringTests
{
    // Two full batches and a partial one.
    private const int Rows = (2 * BatchScoredView.BatchRows) + 77;
    private static MLContext _ml = null!;
    private static TrainedNetwork _trained = null!;

    [ClassInitialize]
    public static void TrainOnce(TestContext context)
    {
        _ = FashionMnist.Test;
        _ml = new MLContext(seed: 1);
        _trained = OnnxTestNetworks.Train(SeedNetworks.Model1());
    }

    [ClassCleanup]
    public static void Cleanup() => _trained?.Dispose();

    [TestMethod]
    public void BatchedScoresAndLabelsEqualTheLoadedModelFiles()
    {
        var (scored, loaded) = ScoreBothWays(Digits.View(_ml, FashionMnist.Test, Rows), "Features");
        Assert.IsInstanceOfType<BatchScoredView>(scored, "the fitted transformer should score in batches");
        AssertSameSchema(loaded.Schema, scored.Schema);
        AssertSameScoring(loaded, scored);
        CollectionAssert.AreEqual(loaded.GetColumn<uint>("Label").ToArray(), scored.GetColumn<uint>("Label").ToArray(), "passed-through labels");
    }

    [TestMethod]
    public void AFeatureColumnNameThatIsNotAnIdentifierScoresAlike()
    {
        var view = _ml.Transforms.CopyColumns("pixel values", "Features").Fit(Digits.View(_ml, FashionMnist.Test, Rows))
            .Transform(Digits.View(_ml, FashionMnist.Test, Rows));
        var (scored, loaded) = ScoreBothWays(view, "pixel values");
        AssertSameSchema(loaded.Schema, scored.Schema);
        AssertSameScoring(loaded, scored);
    }

    [TestMethod]
    public void AnInputScoreColumnIsHiddenAsTheChainHidesIt()
    {
        var rows = Digits.Rows(FashionMnist.Test, 40).Select(d => new DigitWithScore { Features = d.Features, Label = d.Label, Score = d.Label * 10f });
        var (scored, loaded) = ScoreBothWays(_ml.Data.LoadFromEnumerable(rows), "Features");
        AssertSameSchema(loaded.Schema, scored.Schema);
        AssertSameScoring(loaded, scored);
    }

    [TestMethod]
    public void CursorsOverSomeColumnsReadEveryRow()
    {
        var (scored, _) = ScoreBothWays(Digits.View(_ml, FashionMnist.Test, Rows), "Features");
        var labels = scored.GetColumn<uint>("PredictedLabel").ToArray();
        Assert.HasCount(Rows, labels);
        using var cursor = scored.GetRowCursor([scored.Schema["Label"]]);
        int count = 0;
        while (cursor.MoveNext())
        {
            count++;
        }

        Assert.AreEqual(Rows, count);
        Assert.IsFalse(cursor.IsColumnActive(scored.Schema["Score"]));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(scored.Schema["Score"]));
    }

    /// <summary>The fitted transformer's view, and the view of the model file it saves, loaded back by ML.NET alone.</summary>
    private static (IDataView Scored, IDataView Loaded) ScoreBothWays(IDataView data, string featureColumnName)
    {
        var keys = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(data);
        var keyed = keys.Transform(data);
        var network = BatchNorm.Diagnostics.NetworkCopy.Create(_trained.Network, _trained.Network.Spec);
        var model = new BatchNormCnnModel(new TrainedNetwork(network, FashionMnist.Test.LabelNames.ToArray(), null));
        var transformer = BatchNormCnnTransformer.Create(model, keyed, featureColumnName: featureColumnName);
        using var folder = new TempFolder();
        string path = folder.File("model.zip");
        _ml.Model.Save(keys.Append(transformer), data.Schema, path);
        var loaded = new MLContext(seed: 2).Model.Load(path, out _).Transform(data);
        return (transformer.Transform(keyed), loaded);
    }

    private static void AssertSameSchema(DataViewSchema expected, DataViewSchema actual)
    {
        Assert.AreEqual(expected.Count, actual.Count, "column count");
        for (int i = 0; i < expected.Count; i++)
        {
            Assert.AreEqual(expected[i].Name, actual[i].Name, $"column {i}");
            Assert.AreEqual(expected[i].Type, actual[i].Type, $"column {i} '{expected[i].Name}'");
            Assert.AreEqual(expected[i].IsHidden, actual[i].IsHidden, $"column {i} '{expected[i].Name}' hidden");
        }

        var names = default(VBuffer<ReadOnlyMemory<char>>);
        var expectedNames = default(VBuffer<ReadOnlyMemory<char>>);
        actual["Score"].GetSlotNames(ref names);
        expected["Score"].GetSlotNames(ref expectedNames);
        CollectionAssert.AreEqual(expectedNames.DenseValues().Select(n => n.ToString()).ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
        var keyValues = default(VBuffer<uint>);
        var expectedKeyValues = default(VBuffer<uint>);
        actual["PredictedLabel"].GetKeyValues(ref keyValues);
        expected["PredictedLabel"].GetKeyValues(ref expectedKeyValues);
        CollectionAssert.AreEqual(expectedKeyValues.DenseValues().ToArray(), keyValues.DenseValues().ToArray(), "PredictedLabel's key values");
    }

    private static void AssertSameScoring(IDataView loaded, IDataView scored)
    {
        CollectionAssert.AreEqual(loaded.GetColumn<uint>("PredictedLabel").ToArray(), scored.GetColumn<uint>("PredictedLabel").ToArray(), "predicted labels");
        float[][] expected = loaded.GetColumn<float[]>("Score").ToArray();
        float[][] actual = scored.GetColumn<float[]>("Score").ToArray();
        Assert.HasCount(expected.Length, actual);
        for (int r = 0; r < expected.Length; r++)
        {
            Assert.IsLessThanOrEqualTo(1e-5, OnnxTestNetworks.RelativeError(actual[r], expected[r]), $"row {r}'s scores");
        }
    }

    private sealed class DigitWithScore
    {
        [VectorType(784)]
        public float[] Features { get; set; } = [];

        public uint Label { get; set; }

        public float Score { get; set; }
    }
}
