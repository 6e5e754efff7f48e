using Ml.BatchNorm.Data;
using Ml.BatchNorm.Evaluation;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>TrainTestSplit and CrossValidate: stratification, coverage, determinism, hold-out metrics and argument errors.</summary>
[TestClass]
public sealed class DataSplittingTests
{
    private const int Side = 4;

    public sealed class Row
    {
        public int Id { get; set; }

        public uint Label { get; set; }

        public int Group { get; set; }

        [VectorType(Side * Side)]
        public float[] Image { get; set; } = [];
    }

    /// <summary>Rows with uneven classes (labels 0..3 with 40, 30, 20, 13 rows) and 4x4 images that depend on the label.</summary>
    private static List<Row> Rows()
    {
        int[] perClass = [40, 30, 20, 13];
        var rows = new List<Row>();
        for (int label = 0; label < perClass.Length; label++)
        {
            for (int k = 0; k < perClass[label]; k++)
            {
                var image = new float[Side * Side];
                image[label * 4 + (k % 4)] = 1f;
                image[(k * 7) % image.Length] += 0.2f;
                rows.Add(new Row { Label = (uint)label, Image = image.Select(v => MathF.Round(Math.Min(v, 1f) * 255f) / 255f).ToArray() });
            }
        }

        // Interleave the classes so that row order says nothing about the label.
        rows = rows.OrderBy(r => (r.Image.Sum() * 997) % 13).ThenBy(r => r.Label).ToList();
        for (int i = 0; i < rows.Count; i++)
        {
            rows[i].Id = i;
            rows[i].Group = i / 3;
        }

        return rows;
    }

    private static int[] Ids(IDataView view) => ColumnReader.Values<int>(view, "Id");

    [TestMethod]
    public void TrainTestSplitIsStratifiedDisjointAndDeterministic()
    {
        var ctx = new MlBnContext(seed: 5);
        var rows = Rows();
        var data = ctx.Data.LoadFromEnumerable(rows);
        var (train, test) = ctx.Data.TrainTestSplit(data, testFraction: 0.25);
        int[] trainIds = Ids(train), testIds = Ids(test);
        Assert.AreEqual(0, trainIds.Intersect(testIds).Count(), "disjoint");
        CollectionAssert.AreEquivalent(rows.Select(r => r.Id).ToArray(), trainIds.Concat(testIds).ToArray(), "covers the data");
        Assert.AreEqual(testIds.Length, test.GetRowCount());
        Assert.AreEqual(Math.Round(rows.Count * 0.25), testIds.Length, 1);
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            int inTest = group.Count(r => testIds.Contains(r.Id));
            Assert.AreEqual(group.Count() * 0.25, inTest, 1.0, $"label {group.Key}");
        }

        CollectionAssert.AreEqual(testIds, Ids(ctx.Data.TrainTestSplit(data, testFraction: 0.25).TestSet), "same seed, same split");
        CollectionAssert.AreNotEqual(testIds, Ids(ctx.Data.TrainTestSplit(data, testFraction: 0.25, seed: 6).TestSet), "another seed, another split");
        CollectionAssert.AreEqual(testIds.Order().ToArray(), testIds, "original order kept");
    }

    [TestMethod]
    public void SplitsOfStreamingViewsMatchSplitsOfListsAndSplitsOfListsCanBeShuffled()
    {
        var ctx = new MlBnContext(seed: 2);
        var rows = Rows();
        var list = ctx.Data.TrainTestSplit(ctx.Data.LoadFromEnumerable(rows));
        var streamed = ctx.Data.TrainTestSplit(ctx.Data.LoadFromEnumerable(rows.Select(r => r)));
        Assert.IsFalse(streamed.TestSet.CanShuffle, "an iterator is read in order, skipping the other side's rows");
        CollectionAssert.AreEqual(Ids(list.TestSet), Ids(streamed.TestSet));
        CollectionAssert.AreEqual(Ids(list.TrainSet), Ids(streamed.TrainSet));
        CollectionAssert.AreEqual(
            ColumnReader.Vectors(list.TestSet, "Image").SelectMany(v => v).ToArray(),
            ColumnReader.Vectors(streamed.TestSet, "Image").SelectMany(v => v).ToArray());

        Assert.IsTrue(list.TrainSet.CanShuffle);
        var shuffled = Ids(list.TrainSet.ShuffleRows(9));
        CollectionAssert.AreEquivalent(Ids(list.TrainSet), shuffled);
        CollectionAssert.AreNotEqual(Ids(list.TrainSet), shuffled);
    }

    [TestMethod]
    public void TrainTestSplitKeepsSamplingKeyGroupsTogether()
    {
        var ctx = new MlBnContext(seed: 1);
        var rows = Rows();
        var split = ctx.Data.TrainTestSplit(ctx.Data.LoadFromEnumerable(rows), testFraction: 0.3, samplingKeyColumnName: "Group");
        var testGroups = ColumnReader.Values<int>(split.TestSet, "Group").ToHashSet();
        var trainGroups = ColumnReader.Values<int>(split.TrainSet, "Group").ToHashSet();
        Assert.IsFalse(testGroups.Overlaps(trainGroups), "no group on both sides");
        int groups = rows.Select(r => r.Group).Distinct().Count();
        Assert.AreEqual(groups * 0.3, testGroups.Count, 1.0, "the fraction counts groups");
    }

    [TestMethod]
    public void TrainTestSplitRejectsBadArgumentsNamingThem()
    {
        var ctx = new MlBnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(Rows());
        foreach (double fraction in new[] { 0, 1, -0.1, 1.5, double.NaN })
        {
            var error = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ctx.Data.TrainTestSplit(data, fraction));
            Assert.AreEqual("testFraction", error.ParamName);
        }

        var missing = Assert.ThrowsExactly<ArgumentException>(() => ctx.Data.TrainTestSplit(data, labelColumnName: "Class"));
        StringAssert.Contains(missing.Message, "'Class'");
        missing = Assert.ThrowsExactly<ArgumentException>(() => ctx.Data.TrainTestSplit(data, samplingKeyColumnName: "Session"));
        StringAssert.Contains(missing.Message, "'Session'");
        var vector = Assert.ThrowsExactly<ArgumentException>(() => ctx.Data.TrainTestSplit(data, labelColumnName: "Image"));
        StringAssert.Contains(vector.Message, "'Image'");
    }

    [TestMethod]
    public void FoldsAreStratifiedAndDeterministic()
    {
        var rows = Rows();
        var data = new MlBnContext().Data.LoadFromEnumerable(rows);
        int[] fold = DataSplitting.AssignFolds(data, 5, "Label", null, 3, "test");
        CollectionAssert.AreEqual(fold, DataSplitting.AssignFolds(data, 5, "Label", null, 3, "test"));
        CollectionAssert.AreNotEqual(fold, DataSplitting.AssignFolds(data, 5, "Label", null, 4, "test"));
        var sizes = Enumerable.Range(0, 5).Select(f => fold.Count(x => x == f)).ToArray();
        Assert.IsLessThanOrEqualTo(1, sizes.Max() - sizes.Min(), string.Join(",", sizes));
        foreach (var group in rows.GroupBy(r => r.Label))
        {
            var perFold = Enumerable.Range(0, 5).Select(f => group.Count(r => fold[r.Id] == f)).ToArray();
            Assert.IsLessThanOrEqualTo(1, perFold.Max() - perFold.Min(), $"label {group.Key}: {string.Join(",", perFold)}");
        }
    }

    [TestMethod]
    public void CrossValidateEvaluatesEachModelOnItsHeldOutFold()
    {
        var ctx = new MlBnContext(seed: 1);
        var rows = Rows();
        var data = ctx.Data.LoadFromEnumerable(rows);
        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { Epochs = 1, BatchSize = 16 }));
        var results = ctx.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 3);
        try
        {
            Assert.HasCount(3, results);
            var seen = new List<int>();
            for (int f = 0; f < results.Count; f++)
            {
                var result = results[f];
                Assert.AreEqual(f, result.Fold);
                int[] heldOut = Ids(result.ScoredHoldOutSet);
                seen.AddRange(heldOut);
                Assert.AreEqual(heldOut.Length, result.Metrics.RowCount, "metrics over the held-out rows only");
                var again = ctx.MulticlassClassification.Evaluate(result.ScoredHoldOutSet);
                Assert.AreEqual(again.LogLoss, result.Metrics.LogLoss, 1e-12);
                Assert.AreEqual(again.MicroAccuracy, result.Metrics.MicroAccuracy);
                foreach (var group in rows.GroupBy(r => r.Label))
                {
                    Assert.AreEqual(group.Count() / 3.0, group.Count(r => heldOut.Contains(r.Id)), 1.0, $"fold {f}, label {group.Key}");
                }
            }

            CollectionAssert.AreEquivalent(rows.Select(r => r.Id).ToArray(), seen.ToArray(), "the folds are disjoint and cover the data");
        }
        finally
        {
            foreach (var result in results)
            {
                result.Dispose();
            }
        }
    }

    [TestMethod]
    public void CrossValidateRejectsBadArgumentsNamingThem()
    {
        var ctx = new MlBnContext(seed: 1);
        var data = ctx.Data.LoadFromEnumerable(Rows());
        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label").Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(epochs: 1));
        var folds = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => ctx.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: 1));
        Assert.AreEqual("numberOfFolds", folds.ParamName);
        var missing = Assert.ThrowsExactly<ArgumentException>(() => ctx.MulticlassClassification.CrossValidate(data, ctx.Transforms.CopyColumns("Class", "Label"), labelColumnName: "Class2"));
        StringAssert.Contains(missing.Message, "'Class2'");
        var tooMany = Assert.ThrowsExactly<ArgumentException>(() => ctx.MulticlassClassification.CrossValidate(data.Take(3), pipeline, numberOfFolds: 4));
        StringAssert.Contains(tooMany.Message, "4 folds");
    }
}
