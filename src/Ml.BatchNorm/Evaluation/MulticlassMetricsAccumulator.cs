using System.Globalization;

namespace Ml.BatchNorm.Evaluation;

/// <summary>
/// Accumulates (label, scores) rows one at a time or a batch at a time, so a test set never has to be held in
/// memory, and turns them into <see cref="MulticlassClassificationMetrics"/> with ML.NET's metric definitions.
/// </summary>
/// <remarks>
/// Only counts and sums are kept, so memory is <c>O(classCount²)</c> whatever the number of rows.
/// <see cref="Compute"/> takes a snapshot; more rows may be added afterwards. Not thread-safe.
/// </remarks>
public sealed class MulticlassMetricsAccumulator
{
    // ML.NET clamps the true-class probability to [1e-15, 1] before taking the log, so a single confident miss
    // costs about 34.5 nats instead of infinity. ML.NET stores the bound as (float)1e-15; we keep the double
    // 1e-15 so the clamped loss is exactly 15·ln 10.
    private const double MinProbability = 1e-15;

    private readonly int _classCount;
    // Private copy, never mutated, so every result can share one read-only view of it.
    private readonly IReadOnlyList<string> _classNames;
    private readonly int _topKPredictionCount;

    // [actual * classCount + predicted]; row sums double as per-class row counts.
    private readonly long[] _confusion;
    // _rankCounts[r]: rows whose true class had rank r (0 = predicted). Prefix sums give top-K for every K.
    private readonly long[] _rankCounts;
    private readonly double[] _perClassLogLossSum;
    private double _logLossSum;
    private long _rowCount;

    /// <summary>Creates an empty accumulator.</summary>
    /// <param name="classCount">Number of classes, i.e. the length of every score vector; at least 2.</param>
    /// <param name="classNames">One name per class for the confusion table; <c>null</c> names the classes
    /// "0", "1", … as ML.NET does when no names are known.</param>
    /// <param name="topKPredictionCount">The K reported by <see cref="MulticlassClassificationMetrics.TopKAccuracy"/>,
    /// in <c>[0, classCount]</c>; 0 means not requested.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classCount"/> or
    /// <paramref name="topKPredictionCount"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> has the wrong length or a null name.</exception>
    public MulticlassMetricsAccumulator(int classCount, IReadOnlyList<string>? classNames = null, int topKPredictionCount = 0)
    {
        // ML.NET's evaluator rejects score vectors shorter than 2, and a one-class problem has nothing to classify.
        if (classCount < 2)
            throw new ArgumentOutOfRangeException(nameof(classCount), classCount, "A multiclass evaluation needs at least 2 classes.");
        if (topKPredictionCount < 0 || topKPredictionCount > classCount)
        {
            throw new ArgumentOutOfRangeException(nameof(topKPredictionCount), topKPredictionCount,
                $"topKPredictionCount must be between 0 (not requested) and the class count ({classCount}).");
        }

        var names = new string[classCount];
        if (classNames is null)
        {
            for (int i = 0; i < classCount; i++)
                names[i] = i.ToString(CultureInfo.InvariantCulture);
        }
        else
        {
            if (classNames.Count != classCount)
            {
                throw new ArgumentException(
                    $"classNames has {classNames.Count} names but classCount is {classCount}.", nameof(classNames));
            }

            // Copied so later changes to the caller's list cannot alter finished metrics.
            for (int i = 0; i < classCount; i++)
                names[i] = classNames[i] ?? throw new ArgumentException($"classNames[{i}] is null.", nameof(classNames));
        }

        _classNames = Array.AsReadOnly(names);
        _classCount = classCount;
        _topKPredictionCount = topKPredictionCount;
        _confusion = new long[classCount * classCount];
        _rankCounts = new long[classCount];
        _perClassLogLossSum = new double[classCount];
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount => _classCount;

    /// <summary>Number of rows added so far.</summary>
    public long RowCount => _rowCount;

    /// <summary>Adds one row.</summary>
    /// <param name="label">The true class, in <c>[0, ClassCount)</c>.</param>
    /// <param name="scores">One score per class, ideally probabilities; must be finite.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="label"/> is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="scores"/> has the wrong length or a NaN or infinite value.</exception>
    public void Add(int label, ReadOnlySpan<float> scores)
    {
        if ((uint)label >= (uint)_classCount)
        {
            throw new ArgumentOutOfRangeException(nameof(label), label,
                $"label must be a class index in [0, {_classCount}).");
        }

        if (scores.Length != _classCount)
        {
            throw new ArgumentException(
                $"scores has {scores.Length} values but there are {_classCount} classes.", nameof(scores));
        }

        ValidateScores(scores, rowIndex: -1, nameof(scores));
        AddValidated(label, scores);
    }

    /// <summary>
    /// Adds a batch of rows. The whole batch is validated before any row is counted, so a rejected batch leaves the
    /// accumulator unchanged.
    /// </summary>
    /// <param name="labels">The true class of each row, each in <c>[0, ClassCount)</c>.</param>
    /// <param name="scoresRowMajor"><c>labels.Length × ClassCount</c> scores, row after row.</param>
    /// <exception cref="ArgumentOutOfRangeException">A label is out of range.</exception>
    /// <exception cref="ArgumentException"><paramref name="scoresRowMajor"/> has the wrong length or a NaN or
    /// infinite value.</exception>
    public void AddBatch(ReadOnlySpan<long> labels, ReadOnlySpan<float> scoresRowMajor)
    {
        if ((long)labels.Length * _classCount != scoresRowMajor.Length)
        {
            throw new ArgumentException(
                $"scoresRowMajor has {scoresRowMajor.Length} values but {labels.Length} rows × {_classCount} classes " +
                $"need {(long)labels.Length * _classCount}.", nameof(scoresRowMajor));
        }

        for (int row = 0; row < labels.Length; row++)
        {
            if ((ulong)labels[row] >= (ulong)_classCount)
            {
                throw new ArgumentOutOfRangeException(nameof(labels), labels[row],
                    $"labels[{row}] must be a class index in [0, {_classCount}).");
            }

            ValidateScores(scoresRowMajor.Slice(row * _classCount, _classCount), row, nameof(scoresRowMajor));
        }

        for (int row = 0; row < labels.Length; row++)
            AddValidated((int)labels[row], scoresRowMajor.Slice(row * _classCount, _classCount));
    }

    /// <summary>Computes the metrics over every row added so far.</summary>
    /// <exception cref="InvalidOperationException">No row has been added.</exception>
    public MulticlassClassificationMetrics Compute()
    {
        if (_rowCount == 0)
            throw new InvalidOperationException("No rows were added; metrics are undefined on an empty set.");

        int n = _classCount;
        double rows = _rowCount;

        long correct = 0;
        double recallSum = 0;
        int presentClasses = 0;
        double priorLogLoss = 0;
        var perClassLogLoss = new double[n];
        for (int c = 0; c < n; c++)
        {
            long hits = _confusion[c * n + c];
            correct += hits;

            long classRows = 0;
            for (int p = 0; p < n; p++)
                classRows += _confusion[c * n + p];
            if (classRows == 0)
                continue; // Absent classes: excluded from macro accuracy and the prior, PerClassLogLoss stays 0.

            presentClasses++;
            recallSum += (double)hits / classRows;
            perClassLogLoss[c] = _perClassLogLossSum[c] / classRows;

            double frequency = classRows / rows;
            priorLogLoss -= frequency * Math.Log(frequency);
        }

        double logLoss = _logLossSum / rows;
        // With a single label class the prior is certain (entropy 0) and no reduction can be defined;
        // NaN says so explicitly instead of an accidental 0/0 or x/0.
        double reduction = priorLogLoss > 0 ? (priorLogLoss - logLoss) / priorLogLoss : double.NaN;

        var topK = new double[n];
        long cumulative = 0;
        for (int k = 0; k < n; k++)
        {
            cumulative += _rankCounts[k];
            topK[k] = cumulative / rows;
        }

        var confusion = new ConfusionMatrix((long[])_confusion.Clone(), _classNames);
        return new MulticlassClassificationMetrics(
            microAccuracy: correct / rows,
            macroAccuracy: recallSum / presentClasses,
            logLoss: logLoss,
            logLossReduction: reduction,
            topKPredictionCount: _topKPredictionCount,
            topKAccuracyForAllK: Array.AsReadOnly(topK),
            perClassLogLoss: Array.AsReadOnly(perClassLogLoss),
            confusionMatrix: confusion,
            rowCount: _rowCount);
    }

    private static void ValidateScores(ReadOnlySpan<float> scores, int rowIndex, string paramName)
    {
        for (int i = 0; i < scores.Length; i++)
        {
            // A NaN would silently lose every comparison and corrupt argmax and rank; ML.NET drops such rows, but
            // here it almost always means a diverged model, which the caller should hear about.
            if (!float.IsFinite(scores[i]))
            {
                string where = rowIndex >= 0 ? $"row {rowIndex}, class {i}" : $"class {i}";
                string what = float.IsNaN(scores[i]) ? "NaN" : "infinite";
                throw new ArgumentException($"Score for {where} is {what}; scores must be finite numbers.", paramName);
            }
        }
    }

    private void AddValidated(int label, ReadOnlySpan<float> scores)
    {
        float labelScore = scores[label];
        int predicted = 0;
        int rank = 0;
        for (int i = 0; i < scores.Length; i++)
        {
            // Strictly greater: on a tie the first (lowest-index) maximum stays the prediction.
            if (scores[i] > scores[predicted])
                predicted = i;

            // ML.NET's rank of the true class: classes scoring higher, plus equal-scoring classes with a lower
            // index (ties are ranked in order of appearance). Rank 0 therefore coincides with predicted == label.
            if (scores[i] > labelScore || (scores[i] == labelScore && i < label))
                rank++;
        }

        double p = Math.Clamp((double)labelScore, MinProbability, 1.0);
        double loss = -Math.Log(p);

        _confusion[label * _classCount + predicted]++;
        _rankCounts[rank]++;
        _perClassLogLossSum[label] += loss;
        _logLossSum += loss;
        _rowCount++;
    }
}
