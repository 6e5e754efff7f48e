using System.Collections.ObjectModel;

namespace Ml.BatchNorm.Evaluation;

/// <summary>
/// Immutable confusion matrix of a multiclass classifier: rows are true classes, columns are predicted classes.
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly long[] _counts;

    /// <param name="counts">Row-major <c>classCount × classCount</c> counts, <c>[true * classCount + predicted]</c>.
    /// Taken over, not copied: the caller must not keep a reference.</param>
    /// <param name="classNames">One name per class.</param>
    internal ConfusionMatrix(long[] counts, IReadOnlyList<string> classNames)
    {
        int n = classNames.Count;
        if (counts.Length != n * n)
            throw new ArgumentException($"Expected {n * n} counts for {n} classes, got {counts.Length}.", nameof(counts));

        _counts = counts;
        NumberOfClasses = n;
        ClassNames = classNames;

        var rows = new IReadOnlyList<long>[n];
        var precision = new double[n];
        var recall = new double[n];
        for (int actual = 0; actual < n; actual++)
        {
            // Each row is a read-only window on the single backing array, so nothing is duplicated.
            rows[actual] = new ReadOnlyCollection<long>(new ArraySegment<long>(_counts, actual * n, n));
            long rowSum = 0;
            long colSum = 0;
            for (int other = 0; other < n; other++)
            {
                rowSum += _counts[actual * n + other];
                colSum += _counts[other * n + actual];
            }

            long hits = _counts[actual * n + actual];
            // An empty row or column has no defined ratio; ML.NET reports 0 there, and so do we.
            recall[actual] = rowSum > 0 ? (double)hits / rowSum : 0.0;
            precision[actual] = colSum > 0 ? (double)hits / colSum : 0.0;
        }

        ConfusionTableCounts = Array.AsReadOnly(rows);
        PerClassPrecision = Array.AsReadOnly(precision);
        PerClassRecall = Array.AsReadOnly(recall);
    }

    /// <summary>Number of classes (rows and columns of the table).</summary>
    public int NumberOfClasses { get; }

    /// <summary>Class names, indexed by class.</summary>
    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>
    /// The counts, <c>ConfusionTableCounts[actual][predicted]</c>: row <c>actual</c> holds the rows whose true class
    /// is <c>actual</c>, split by the class that was predicted.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<long>> ConfusionTableCounts { get; }

    /// <summary>
    /// Precision of each class: of the rows predicted as the class, the fraction that truly belong to it.
    /// 0 for a class that was never predicted (as in ML.NET).
    /// </summary>
    public IReadOnlyList<double> PerClassPrecision { get; }

    /// <summary>
    /// Recall of each class: of the rows that truly belong to the class, the fraction predicted as it.
    /// 0 for a class absent from the labels (as in ML.NET).
    /// </summary>
    public IReadOnlyList<double> PerClassRecall { get; }

    /// <summary>
    /// Number of rows with true class <paramref name="actualClassIndex"/> that were predicted as
    /// <paramref name="predictedClassIndex"/>. The argument order (predicted first) follows ML.NET.
    /// </summary>
    /// <param name="predictedClassIndex">Index of the predicted class.</param>
    /// <param name="actualClassIndex">Index of the true class.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside <c>[0, NumberOfClasses)</c>.</exception>
    public long GetCountForClassPair(int predictedClassIndex, int actualClassIndex)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(predictedClassIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(predictedClassIndex, NumberOfClasses);
        ArgumentOutOfRangeException.ThrowIfNegative(actualClassIndex);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(actualClassIndex, NumberOfClasses);
        return _counts[actualClassIndex * NumberOfClasses + predictedClassIndex];
    }

    /// <summary>
    /// A fixed-width text rendering of the table: one row per true class with its counts and recall,
    /// a header of predicted class names and a final precision row.
    /// </summary>
    public string GetFormattedConfusionTable() => ConfusionTableFormatter.Format(this);

    /// <summary>Same as <see cref="GetFormattedConfusionTable"/>.</summary>
    public override string ToString() => GetFormattedConfusionTable();
}
