using Ml.BatchNorm.Evaluation;

namespace Ml.BatchNorm.Tests.Evaluation;

/// <summary>
/// Every expected value below is worked out by hand in the comments; the code only evaluates the closed form.
/// Scores are binary fractions (0.5, 0.375, …) so the float inputs are exact.
/// </summary>
[TestClass]
public sealed class MulticlassMetricsAccumulatorTests
{
    private const double Tol = 1e-12;
    private static readonly double Ln2 = Math.Log(2);
    private static readonly double Ln3 = Math.Log(3);
    private static readonly double Ln7 = Math.Log(7);

    private static readonly string[] Names = ["cat", "dog", "bird"];

    // The main table: 3 classes, 7 rows, with an argmax tie (row 4) and a top-k tie (row 6).
    //
    //  row label scores               predicted  rank of label                           p(label)  -ln p
    //   1   0    [0.5,   0.25,  0.25 ]   0        0                                        0.5      ln2
    //   2   0    [0.25,  0.5,   0.25 ]   1        1 (class 1 higher)                       0.25     2ln2
    //   3   1    [0.25,  0.5,   0.25 ]   1        0                                        0.5      ln2
    //   4   1    [0.375, 0.375, 0.25 ]   0 (tie → lowest index)  1 (class 0 equal, lower index)  0.375  3ln2 - ln3
    //   5   2    [0.125, 0.125, 0.75 ]   2        0                                        0.75     2ln2 - ln3
    //   6   2    [0.5,   0.25,  0.25 ]   0        2 (class 0 higher, class 1 equal & lower index)  0.25  2ln2
    //   7   0    [0.75,  0.125, 0.125]   0        0                                        0.75     2ln2 - ln3
    private static readonly (int Label, float[] Scores)[] MainRows =
    [
        (0, [0.5f, 0.25f, 0.25f]),
        (0, [0.25f, 0.5f, 0.25f]),
        (1, [0.25f, 0.5f, 0.25f]),
        (1, [0.375f, 0.375f, 0.25f]),
        (2, [0.125f, 0.125f, 0.75f]),
        (2, [0.5f, 0.25f, 0.25f]),
        (0, [0.75f, 0.125f, 0.125f]),
    ];

    private static MulticlassClassificationMetrics ComputeMain(int topK = 2)
    {
        var acc = new MulticlassMetricsAccumulator(3, Names, topK);
        foreach (var (label, scores) in MainRows)
            acc.Add(label, scores);
        return acc.Compute();
    }

    [TestMethod]
    public void MicroAccuracy_CountsArgmaxHitsWithTiesGoingToLowestIndex()
    {
        // Correct rows: 1, 3, 5, 7 (row 4 predicts class 0 because of the tie) → 4 / 7.
        var m = ComputeMain();
        Assert.AreEqual(4.0 / 7.0, m.MicroAccuracy, Tol);
        Assert.AreEqual(7L, m.RowCount);
    }

    [TestMethod]
    public void MacroAccuracy_IsMeanOfPerClassRecall()
    {
        // class 0: rows 1,2,7 → 2 correct of 3 = 2/3
        // class 1: rows 3,4   → 1 of 2       = 1/2
        // class 2: rows 5,6   → 1 of 2       = 1/2
        // macro = (2/3 + 1/2 + 1/2) / 3 = (5/3) / 3 = 5/9   (differs from micro 4/7)
        var m = ComputeMain();
        Assert.AreEqual(5.0 / 9.0, m.MacroAccuracy, Tol);
    }

    [TestMethod]
    public void LogLoss_IsMeanNegativeLogOfTrueClassScore()
    {
        // Sum = ln2 + 2ln2 + ln2 + (3ln2 - ln3) + (2ln2 - ln3) + 2ln2 + (2ln2 - ln3) = 13ln2 - 3ln3
        // LogLoss = (13ln2 - 3ln3) / 7 ≈ 0.8164395
        var m = ComputeMain();
        Assert.AreEqual((13 * Ln2 - 3 * Ln3) / 7, m.LogLoss, Tol);
    }

    [TestMethod]
    public void PerClassLogLoss_IsMeanOverRowsOfEachTrueClass()
    {
        // class 0: rows 1,2,7 → (ln2 + 2ln2 + 2ln2 - ln3) / 3 = (5ln2 - ln3) / 3
        // class 1: rows 3,4   → (ln2 + 3ln2 - ln3) / 2       = (4ln2 - ln3) / 2
        // class 2: rows 5,6   → (2ln2 - ln3 + 2ln2) / 2      = (4ln2 - ln3) / 2
        var m = ComputeMain();
        Assert.HasCount(3, m.PerClassLogLoss);
        Assert.AreEqual((5 * Ln2 - Ln3) / 3, m.PerClassLogLoss[0], Tol);
        Assert.AreEqual((4 * Ln2 - Ln3) / 2, m.PerClassLogLoss[1], Tol);
        Assert.AreEqual((4 * Ln2 - Ln3) / 2, m.PerClassLogLoss[2], Tol);
    }

    [TestMethod]
    public void LogLossReduction_IsRelativeToLabelEntropy()
    {
        // Label counts 3, 2, 2 of 7 → prior = -(3/7 ln(3/7) + 2·2/7 ln(2/7))
        //                                   = ln7 - (3/7)ln3 - (4/7)ln2 ≈ 1.0042425
        // reduction = (prior - LogLoss) / prior with LogLoss = (13ln2 - 3ln3)/7 ≈ 0.1870
        double prior = Ln7 - 3.0 / 7.0 * Ln3 - 4.0 / 7.0 * Ln2;
        double logLoss = (13 * Ln2 - 3 * Ln3) / 7;
        var m = ComputeMain();
        Assert.AreEqual((prior - logLoss) / prior, m.LogLossReduction, Tol);
    }

    [TestMethod]
    public void TopK_RanksTiesByClassIndexLikeMlNet()
    {
        // Ranks: rows 1,3,5,7 → 0; rows 2,4 → 1; row 6 → 2 (its 0.25 ties class 1's 0.25, which has the lower index).
        // top-1 = 4/7, top-2 = (4+2)/7 = 6/7, top-3 = 7/7 = 1.
        var m = ComputeMain(topK: 2);
        Assert.AreEqual(2, m.TopKPredictionCount);
        Assert.HasCount(3, m.TopKAccuracyForAllK);
        Assert.AreEqual(4.0 / 7.0, m.TopKAccuracyForAllK[0], Tol);
        Assert.AreEqual(6.0 / 7.0, m.TopKAccuracyForAllK[1], Tol);
        Assert.AreEqual(1.0, m.TopKAccuracyForAllK[2], Tol);
        Assert.AreEqual(6.0 / 7.0, m.TopKAccuracy, Tol);
        Assert.AreEqual(m.MicroAccuracy, m.TopKAccuracyForAllK[0]);
    }

    [TestMethod]
    public void TopK_NotRequested_ReportsZeroButKeepsAllK()
    {
        // ML.NET reports TopKAccuracy = 0 when no K is requested; the full list is still computed here.
        var m = ComputeMain(topK: 0);
        Assert.AreEqual(0, m.TopKPredictionCount);
        Assert.AreEqual(0.0, m.TopKAccuracy);
        Assert.AreEqual(6.0 / 7.0, m.TopKAccuracyForAllK[1], Tol);
    }

    [TestMethod]
    public void TopK_EqualToClassCount_IsOne()
    {
        var m = ComputeMain(topK: 3);
        Assert.AreEqual(1.0, m.TopKAccuracy, Tol);
    }

    [TestMethod]
    public void AllScoresEqual_PredictsClassZeroAndRanksByIndex()
    {
        // scores [0.25, 0.25, 0.25] for every row:
        //   label 0 → predicted 0, rank 0;  label 1 → rank 1;  label 2 → rank 2.
        // micro = 1/3; top-2 = 2/3; top-3 = 1.
        var acc = new MulticlassMetricsAccumulator(3, topKPredictionCount: 2);
        float[] flat = [0.25f, 0.25f, 0.25f];
        acc.Add(0, flat);
        acc.Add(1, flat);
        acc.Add(2, flat);
        var m = acc.Compute();
        Assert.AreEqual(1.0 / 3.0, m.MicroAccuracy, Tol);
        Assert.AreEqual(2.0 / 3.0, m.TopKAccuracy, Tol);
        Assert.AreEqual(1.0, m.TopKAccuracyForAllK[2], Tol);
        Assert.AreEqual(1L, m.ConfusionMatrix.GetCountForClassPair(predictedClassIndex: 0, actualClassIndex: 2));
        Assert.AreEqual(0L, m.ConfusionMatrix.GetCountForClassPair(predictedClassIndex: 2, actualClassIndex: 2));
    }

    [TestMethod]
    public void ClassAbsentFromLabels_IsLeftOutOfMacroAccuracy()
    {
        //  row label scores               predicted  correct
        //   1   0    [0.5,  0.25,  0.25]    0         yes
        //   2   0    [0.25, 0.25,  0.5 ]    2         no
        //   3   2    [0.25, 0.25,  0.5 ]    2         yes
        //   4   2    [0.5,  0.25,  0.25]    0         no
        //   5   2    [0.125,0.125, 0.75]    2         yes
        // Class 1 never appears as a label (nor as a prediction).
        // recall0 = 1/2, recall2 = 2/3 → macro over present classes = (1/2 + 2/3) / 2 = 7/12
        // (dividing by all 3 classes would give 7/18). micro = 3/5.
        var acc = new MulticlassMetricsAccumulator(3, Names);
        acc.Add(0, [0.5f, 0.25f, 0.25f]);
        acc.Add(0, [0.25f, 0.25f, 0.5f]);
        acc.Add(2, [0.25f, 0.25f, 0.5f]);
        acc.Add(2, [0.5f, 0.25f, 0.25f]);
        acc.Add(2, [0.125f, 0.125f, 0.75f]);
        var m = acc.Compute();

        Assert.AreEqual(7.0 / 12.0, m.MacroAccuracy, Tol);
        Assert.AreEqual(3.0 / 5.0, m.MicroAccuracy, Tol);

        // No rows of class 1: its per-class log loss is 0 (ML.NET's convention), recall and precision are 0.
        Assert.AreEqual(0.0, m.PerClassLogLoss[1]);
        Assert.AreEqual(0.0, m.ConfusionMatrix.PerClassRecall[1]);
        Assert.AreEqual(0.0, m.ConfusionMatrix.PerClassPrecision[1]);

        // Prior over the present classes only: counts 2 and 3 of 5 → -(0.4 ln 0.4 + 0.6 ln 0.6).
        // Row losses: ln2, ln4, ln2, ln4, ln(4/3) → sum = 8ln2 - ln3, LogLoss = (8ln2 - ln3)/5.
        double prior = -(0.4 * Math.Log(0.4) + 0.6 * Math.Log(0.6));
        double logLoss = (8 * Ln2 - Ln3) / 5;
        Assert.AreEqual(logLoss, m.LogLoss, Tol);
        Assert.AreEqual((prior - logLoss) / prior, m.LogLossReduction, Tol);
    }

    [TestMethod]
    public void ZeroScoreForTrueClass_IsClampedAt1eMinus15()
    {
        // row 1: label 1, scores [1, 0, 0] → p = max(0, 1e-15) = 1e-15 → -ln(1e-15) = 15 ln10 ≈ 34.5388
        // row 2: label 0, scores [1, 0, 0] → p = 1 → 0
        // LogLoss = 15 ln10 / 2; per class: class 0 → 0, class 1 → 15 ln10.
        var acc = new MulticlassMetricsAccumulator(3);
        acc.Add(1, [1f, 0f, 0f]);
        acc.Add(0, [1f, 0f, 0f]);
        var m = acc.Compute();

        double clamped = 15 * Math.Log(10);
        Assert.AreEqual(clamped / 2, m.LogLoss, 1e-9);
        Assert.AreEqual(0.0, m.PerClassLogLoss[0], Tol);
        Assert.AreEqual(clamped, m.PerClassLogLoss[1], 1e-9);
        Assert.IsTrue(double.IsFinite(m.LogLossReduction));
    }

    [TestMethod]
    public void ScoreAboveOne_IsClampedAtOne()
    {
        // ML.NET clamps p into [1e-15, 1], so an unnormalised score of 3 costs 0, never a negative loss.
        // row 1: label 0, [3, 0, 0] → 0;  row 2: label 1, [0, 0.5, 0] → ln2. LogLoss = ln2 / 2.
        var acc = new MulticlassMetricsAccumulator(3);
        acc.Add(0, [3f, 0f, 0f]);
        acc.Add(1, [0f, 0.5f, 0f]);
        Assert.AreEqual(Ln2 / 2, acc.Compute().LogLoss, Tol);
    }

    [TestMethod]
    public void SingleLabelClass_LogLossReductionIsNaN()
    {
        // All 4 labels are class 0 → prior = -(1 · ln 1) = 0, so the reduction is undefined: NaN, never ±∞.
        //  row scores              predicted  -ln p
        //   1  [0.5,  0.25, 0.25]    0         ln2
        //   2  [0.25, 0.5,  0.25]    1         2ln2
        //   3  [0.75, 0.125,0.125]   0         2ln2 - ln3
        //   4  [1,    0,    0   ]    0         0
        // micro = 3/4, macro = recall0 = 3/4, LogLoss = (5ln2 - ln3) / 4.
        var acc = new MulticlassMetricsAccumulator(3);
        acc.Add(0, [0.5f, 0.25f, 0.25f]);
        acc.Add(0, [0.25f, 0.5f, 0.25f]);
        acc.Add(0, [0.75f, 0.125f, 0.125f]);
        acc.Add(0, [1f, 0f, 0f]);
        var m = acc.Compute();

        Assert.IsTrue(double.IsNaN(m.LogLossReduction));
        Assert.AreEqual(0.75, m.MicroAccuracy, Tol);
        Assert.AreEqual(0.75, m.MacroAccuracy, Tol);
        Assert.AreEqual((5 * Ln2 - Ln3) / 4, m.LogLoss, Tol);
    }

    [TestMethod]
    public void SingleLabelClass_PerfectModel_LogLossReductionIsStillNaN()
    {
        // prior = 0 and LogLoss = 0: a naive (0 - 0) / 0 is also NaN, but by definition, not by accident.
        var acc = new MulticlassMetricsAccumulator(2);
        acc.Add(1, [0f, 1f]);
        acc.Add(1, [0f, 1f]);
        var m = acc.Compute();
        Assert.AreEqual(0.0, m.LogLoss);
        Assert.IsTrue(double.IsNaN(m.LogLossReduction));
        Assert.AreEqual(1.0, m.MicroAccuracy);
    }

    [TestMethod]
    public void PerfectTwoClassModel_HasReductionOne()
    {
        // Labels 0, 1 → prior = ln2; every true-class score is 1 → LogLoss 0 → reduction = (ln2 - 0) / ln2 = 1.
        var acc = new MulticlassMetricsAccumulator(2);
        acc.Add(0, [1f, 0f]);
        acc.Add(1, [0f, 1f]);
        Assert.AreEqual(1.0, acc.Compute().LogLossReduction, Tol);
    }

    [TestMethod]
    public void AddBatch_MatchesRowByRowAdd()
    {
        var labels = MainRows.Select(r => (long)r.Label).ToArray();
        var scores = MainRows.SelectMany(r => r.Scores).ToArray();
        var acc = new MulticlassMetricsAccumulator(3, Names, 2);
        acc.AddBatch(labels.AsSpan(0, 3), scores.AsSpan(0, 9));
        acc.AddBatch(labels.AsSpan(3), scores.AsSpan(9));
        var batched = acc.Compute();
        var single = ComputeMain(topK: 2);

        Assert.AreEqual(single.RowCount, batched.RowCount);
        Assert.AreEqual(single.MicroAccuracy, batched.MicroAccuracy);
        Assert.AreEqual(single.MacroAccuracy, batched.MacroAccuracy);
        Assert.AreEqual(single.LogLoss, batched.LogLoss, Tol);
        Assert.AreEqual(single.LogLossReduction, batched.LogLossReduction, Tol);
        CollectionAssert.AreEqual(single.TopKAccuracyForAllK.ToArray(), batched.TopKAccuracyForAllK.ToArray());
        Assert.AreEqual(single.ConfusionMatrix.GetFormattedConfusionTable(), batched.ConfusionMatrix.GetFormattedConfusionTable());
    }

    [TestMethod]
    public void AddBatch_EmptyBatchIsANoOp()
    {
        var acc = new MulticlassMetricsAccumulator(3);
        acc.AddBatch([], []);
        Assert.AreEqual(0L, acc.RowCount);
    }

    [TestMethod]
    public void Compute_IsASnapshot()
    {
        var acc = new MulticlassMetricsAccumulator(2);
        acc.Add(0, [1f, 0f]);
        var first = acc.Compute();
        acc.Add(0, [0f, 1f]);
        var second = acc.Compute();
        Assert.AreEqual(1.0, first.MicroAccuracy);
        Assert.AreEqual(1L, first.ConfusionMatrix.GetCountForClassPair(0, 0));
        Assert.AreEqual(0.5, second.MicroAccuracy);
        Assert.AreEqual(2L, second.RowCount);
    }

    [TestMethod]
    public void Constructor_DefaultNamesAreIndices()
    {
        var acc = new MulticlassMetricsAccumulator(3);
        acc.Add(0, [1f, 0f, 0f]);
        CollectionAssert.AreEqual(new[] { "0", "1", "2" }, acc.Compute().ConfusionMatrix.ClassNames.ToArray());
    }

    [TestMethod]
    public void Constructor_CopiesClassNames()
    {
        string[] names = ["a", "b"];
        var acc = new MulticlassMetricsAccumulator(2, names);
        names[0] = "changed";
        acc.Add(0, [1f, 0f]);
        Assert.AreEqual("a", acc.Compute().ConfusionMatrix.ClassNames[0]);
    }

    [TestMethod]
    public void Constructor_RejectsBadArguments()
    {
        Assert.AreEqual("classCount", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new MulticlassMetricsAccumulator(1)).ParamName);
        Assert.AreEqual("classNames", Assert.ThrowsExactly<ArgumentException>(
            () => new MulticlassMetricsAccumulator(3, ["a", "b"])).ParamName);
        Assert.AreEqual("classNames", Assert.ThrowsExactly<ArgumentException>(
            () => new MulticlassMetricsAccumulator(2, ["a", null!])).ParamName);
        Assert.AreEqual("topKPredictionCount", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new MulticlassMetricsAccumulator(3, topKPredictionCount: -1)).ParamName);
        Assert.AreEqual("topKPredictionCount", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => new MulticlassMetricsAccumulator(3, topKPredictionCount: 4)).ParamName);
    }

    [TestMethod]
    public void Add_RejectsBadRows()
    {
        var acc = new MulticlassMetricsAccumulator(3);
        Assert.AreEqual("label", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => acc.Add(-1, [1f, 0f, 0f])).ParamName);
        Assert.AreEqual("label", Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => acc.Add(3, [1f, 0f, 0f])).ParamName);
        Assert.AreEqual("scores", Assert.ThrowsExactly<ArgumentException>(
            () => acc.Add(0, [1f, 0f])).ParamName);

        var nan = Assert.ThrowsExactly<ArgumentException>(() => acc.Add(0, [0.5f, float.NaN, 0.5f]));
        Assert.AreEqual("scores", nan.ParamName);
        Assert.Contains("NaN", nan.Message);
        Assert.Contains("class 1", nan.Message);

        var inf = Assert.ThrowsExactly<ArgumentException>(() => acc.Add(0, [float.PositiveInfinity, 0f, 0f]));
        Assert.Contains("infinite", inf.Message);

        Assert.AreEqual(0L, acc.RowCount);
    }

    [TestMethod]
    public void AddBatch_RejectsBadBatchesWithoutCountingAnyRow()
    {
        var acc = new MulticlassMetricsAccumulator(3);
        Assert.AreEqual("scoresRowMajor", Assert.ThrowsExactly<ArgumentException>(
            () => acc.AddBatch([0L, 1L], [1f, 0f, 0f, 0f, 1f])).ParamName);

        // Row 0 is valid, row 1 has label 3: nothing may be counted.
        var badLabel = Assert.ThrowsExactly<ArgumentOutOfRangeException>(
            () => acc.AddBatch([0L, 3L], [1f, 0f, 0f, 0f, 1f, 0f]));
        Assert.AreEqual("labels", badLabel.ParamName);
        Assert.Contains("labels[1]", badLabel.Message);

        var nan = Assert.ThrowsExactly<ArgumentException>(
            () => acc.AddBatch([0L, 1L], [1f, 0f, 0f, 0f, float.NaN, 0f]));
        Assert.AreEqual("scoresRowMajor", nan.ParamName);
        Assert.Contains("row 1, class 1", nan.Message);
        Assert.Contains("NaN", nan.Message);

        Assert.AreEqual(0L, acc.RowCount);
        Assert.ThrowsExactly<InvalidOperationException>(() => acc.Compute());
    }

    [TestMethod]
    public void Compute_WithoutRows_Throws()
    {
        var acc = new MulticlassMetricsAccumulator(3);
        var ex = Assert.ThrowsExactly<InvalidOperationException>(() => acc.Compute());
        Assert.Contains("No rows", ex.Message);
    }
}
