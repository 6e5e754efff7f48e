using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm;

/// <summary>
/// A cursor of <see cref="BatchScoredView"/>: the input's columns come from a cursor over the input moving in
/// step with this one; Score and PredictedLabel from a batch of up to <see cref="BatchScoredView.BatchRows"/>
/// rows that a second input cursor (features only) reads ahead and ONNX Runtime scores in one call.
/// </summary>
internal sealed class BatchScoredCursor : DataViewRowCursor
{
    private readonly BatchScoredView _view;
    private readonly DataViewRowCursor _rows;
    private readonly DataViewRowCursor? _ahead;
    private readonly ValueGetter<VBuffer<float>>? _readFeatures;
    private readonly DataViewSchema.Column?[] _sources;
    private readonly bool[] _active;
    private readonly OnnxBatchScorer _scorer;
    private readonly float[] _input;
    private readonly float[] _scores;
    private readonly long[] _indices;
    private VBuffer<float> _features;
    private int _filled;
    private int _at = -1;

    public BatchScoredCursor(BatchScoredView view, DataViewRowCursor rows, DataViewRowCursor? ahead, DataViewSchema.Column features,
        DataViewSchema.Column?[] sources, bool[] active, OnnxBatchScorer scorer)
    {
        _view = view;
        _rows = rows;
        _ahead = ahead;
        _readFeatures = ahead?.GetGetter<VBuffer<float>>(features);
        _sources = sources;
        _active = active;
        _scorer = scorer;
        int batch = ahead is null ? 0 : BatchScoredView.BatchRows;
        _input = new float[batch * scorer.InputSize];
        _scores = new float[batch * scorer.Classes];
        _indices = new long[batch];
    }

    /// <inheritdoc/>
    public override DataViewSchema Schema => _view.Schema;

    /// <inheritdoc/>
    public override long Position => _rows.Position;

    /// <inheritdoc/>
    public override long Batch => _rows.Batch;

    /// <inheritdoc/>
    public override ValueGetter<DataViewRowId> GetIdGetter() => _rows.GetIdGetter();

    /// <inheritdoc/>
    public override bool IsColumnActive(DataViewSchema.Column column) => _active[column.Index];

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        if (!_rows.MoveNext())
        {
            return false;
        }

        if (_ahead is not null && ++_at >= _filled)
        {
            Fill();
        }

        return true;
    }

    /// <inheritdoc/>
    public override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        if (!_active[column.Index])
        {
            throw new InvalidOperationException($"{ColumnChecks.TrainerName}: column '{column.Name}' was not requested when the cursor was made.");
        }

        if (column.Index == _view.Score.Index)
        {
            ValueGetter<VBuffer<float>> score = ReadScore;
            return score as ValueGetter<TValue> ?? throw WrongType<TValue>(column);
        }

        if (column.Index == _view.PredictedLabel.Index)
        {
            return PredictedLabelGetter<TValue>(column);
        }

        return _rows.GetGetter<TValue>(_sources[column.Index]!.Value);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _rows.Dispose();
            _ahead?.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Fill()
    {
        int size = _scorer.InputSize;
        int rows = 0;
        while (rows < BatchScoredView.BatchRows && _ahead!.MoveNext())
        {
            _readFeatures!(ref _features);
            if (_features.Length != size)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"{ColumnChecks.TrainerName}: row {_ahead.Position} holds {_features.Length} features; the network reads {size}."));
            }

            _features.CopyTo(_input.AsSpan(rows * size, size));
            rows++;
        }

        if (rows == 0)
        {
            throw new InvalidOperationException($"{ColumnChecks.TrainerName}: the input view gave a second cursor fewer rows than the first; a view must give every cursor the same rows.");
        }

        _scorer.Score(_input, rows, _scores, _indices);
        _filled = rows;
        _at = 0;
    }

    private void ReadScore(ref VBuffer<float> value)
    {
        int classes = _scorer.Classes;
        var editor = VBufferEditor.Create(ref value, classes);
        _scores.AsSpan(_at * classes, classes).CopyTo(editor.Values);
        value = editor.Commit();
    }

    // The chain's PredictedLabel is the key of class index i: i + 1 (0 is ML.NET's missing key), in the key's own raw type.
    private ValueGetter<TValue> PredictedLabelGetter<TValue>(DataViewSchema.Column column)
    {
        if (column.Type.RawType != typeof(TValue))
        {
            throw WrongType<TValue>(column);
        }

        Delegate getter = typeof(TValue) switch
        {
            var t when t == typeof(uint) => (ValueGetter<uint>)((ref uint v) => v = (uint)(_indices[_at] + 1)),
            var t when t == typeof(ulong) => (ValueGetter<ulong>)((ref ulong v) => v = (ulong)(_indices[_at] + 1)),
            var t when t == typeof(ushort) => (ValueGetter<ushort>)((ref ushort v) => v = (ushort)(_indices[_at] + 1)),
            var t when t == typeof(byte) => (ValueGetter<byte>)((ref byte v) => v = (byte)(_indices[_at] + 1)),
            _ => throw WrongType<TValue>(column),
        };
        return getter as ValueGetter<TValue> ?? throw WrongType<TValue>(column);
    }

    private static InvalidOperationException WrongType<TValue>(DataViewSchema.Column column) =>
        new($"{ColumnChecks.TrainerName}: column '{column.Name}' is {column.Type}; it cannot be read as {typeof(TValue).Name}.");
}
