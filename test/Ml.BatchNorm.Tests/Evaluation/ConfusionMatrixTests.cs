using Ml.BatchNorm.Evaluation;

namespace Ml.BatchNorm.Tests.Evaluation;

[TestClass]
public sealed class ConfusionMatrixTests
{
    private const double Tol = 1e-12;

    // Same 7 rows as MulticlassMetricsAccumulatorTests' main table; (true → predicted):
    //   1: cat→cat   2: cat→dog   3: dog→dog   4: dog→cat (argmax tie)   5: bird→bird   6: bird→cat   7: cat→cat
    //
    //            predicted cat  dog  bird | row sum  recall
    //   true cat            2    1    0   |   3      2/3
    //   true dog            1    1    0   |   2      1/2
    //   true bird           1    0    1   |   2      1/2
    //   column sum          4    2    1
    //   precision          2/4  1/2  1/1
    private static ConfusionMatrix Build()
    {
        var acc = new MulticlassMetricsAccumulator(3, ["cat", "dog", "bird"]);
        acc.Add(0, [0.5f, 0.25f, 0.25f]);
        acc.Add(0, [0.25f, 0.5f, 0.25f]);
        acc.Add(1, [0.25f, 0.5f, 0.25f]);
        acc.Add(1, [0.375f, 0.375f, 0.25f]);
        acc.Add(2, [0.125f, 0.125f, 0.75f]);
        acc.Add(2, [0.5f, 0.25f, 0.25f]);
        acc.Add(0, [0.75f, 0.125f, 0.125f]);
        return acc.Compute().ConfusionMatrix;
    }

    [TestMethod]
    public void Counts_AreIndexedTrueThenPredicted()
    {
        var cm = Build();
        Assert.AreEqual(3, cm.NumberOfClasses);
        long[][] expected = [[2, 1, 0], [1, 1, 0], [1, 0, 1]];
        for (int actual = 0; actual < 3; actual++)
            CollectionAssert.AreEqual(expected[actual], cm.ConfusionTableCounts[actual].ToArray());
    }

    [TestMethod]
    public void GetCountForClassPair_TakesPredictedFirst()
    {
        var cm = Build();
        // true dog (1) predicted as cat (0): 1; true cat (0) predicted as dog (1): 1;
        // true bird (2) predicted as cat (0): 1; true cat (0) predicted as bird (2): 0.
        Assert.AreEqual(1L, cm.GetCountForClassPair(predictedClassIndex: 0, actualClassIndex: 2));
        Assert.AreEqual(0L, cm.GetCountForClassPair(predictedClassIndex: 2, actualClassIndex: 0));
        Assert.AreEqual(2L, cm.GetCountForClassPair(0, 0));
    }

    [TestMethod]
    public void GetCountForClassPair_RejectsOutOfRangeIndices()
    {
        var cm = Build();
        Assert.AreEqual("predictedClassIndex",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cm.GetCountForClassPair(3, 0)).ParamName);
        Assert.AreEqual("actualClassIndex",
            Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => cm.GetCountForClassPair(0, -1)).ParamName);
    }

    [TestMethod]
    public void PrecisionAndRecall_MatchHandComputation()
    {
        var cm = Build();
        Assert.AreEqual(2.0 / 4.0, cm.PerClassPrecision[0], Tol);
        Assert.AreEqual(1.0 / 2.0, cm.PerClassPrecision[1], Tol);
        Assert.AreEqual(1.0, cm.PerClassPrecision[2], Tol);
        Assert.AreEqual(2.0 / 3.0, cm.PerClassRecall[0], Tol);
        Assert.AreEqual(1.0 / 2.0, cm.PerClassRecall[1], Tol);
        Assert.AreEqual(1.0 / 2.0, cm.PerClassRecall[2], Tol);
    }

    [TestMethod]
    public void FormattedTable_HasNamesCountsRecallAndPrecision()
    {
        // Cells are 6 wide (fits "0.0000"), the row-label column 9 wide (fits "PREDICTED"),
        // each cell renders as " value |", so a rule is 3 × (6 + 3) = 27 '='.
        string rule = new('=', 27);
        string[] expected =
        [
            "Confusion table",
            "          ||" + rule,
            "PREDICTED ||    cat |    dog |   bird | Recall",
            "TRUTH     ||" + rule,
            "      cat ||      2 |      1 |      0 | 0.6667",
            "      dog ||      1 |      1 |      0 | 0.5000",
            "     bird ||      1 |      0 |      1 | 0.5000",
            "          ||" + rule,
            "Precision || 0.5000 | 0.5000 | 1.0000 |",
        ];

        string table = Build().GetFormattedConfusionTable();
        string[] lines = table.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        CollectionAssert.AreEqual(expected, lines);
    }

    [TestMethod]
    public void FormattedTable_WidensColumnsForLongNames()
    {
        // A 12-character name widens every cell to 12 so columns stay aligned and names stay whole.
        var acc = new MulticlassMetricsAccumulator(2, ["short", "a-long-class"]);
        acc.Add(1, [0.25f, 0.75f]);
        string[] lines = acc.Compute().ConfusionMatrix.GetFormattedConfusionTable()
            .ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

        Assert.AreEqual("PREDICTED    ||        short | a-long-class | Recall", lines[2]);
        Assert.AreEqual("a-long-class ||            0 |            1 | 1.0000", lines[5]);
        // Every row of cells ends at the same column.
        Assert.AreEqual(lines[4].LastIndexOf('|'), lines[5].LastIndexOf('|'));
        Assert.AreEqual(lines[4].LastIndexOf('|'), lines[7].LastIndexOf('|'));
    }
}
