using ML = Microsoft.ML;

// ML.NET's types are qualified (ML.) because this namespace still holds look-alikes of the same names.
namespace Ml.BatchNorm.Data;

/// <summary>
/// A cursor over an <see cref="IdxDataView"/>: labels come from memory; when the feature column is active the image file
/// is opened and read one row per <see cref="MoveNext"/>, and its header is checked again against the view.
/// </summary>
internal sealed class IdxRowCursor : ML.DataViewRowCursor
{
    private const int ImageRank = 3;

    private readonly IdxDataView _view;
    private readonly bool[] _active;
    private readonly IdxReader? _images;
    private readonly byte[] _row;
    private long _position = -1;
    private bool _disposed;

    public IdxRowCursor(IdxDataView view, bool[] active)
    {
        _view = view;
        _active = active;
        _row = active[1] ? new byte[view.Height * view.Width] : [];
        if (active[1])
        {
            _images = IdxReader.Open(view.ImagesPath, ImageRank, "image");
            if (!_images.Dimensions.AsSpan().SequenceEqual(view.ImageDimensions))
            {
                _images.Dispose();
                throw new InvalidDataException(
                    $"{view.ImagesPath}: changed since the view was created: its dimensions are now {string.Join('x', _images.Dimensions)}, " +
                    $"expected {string.Join('x', view.ImageDimensions)}.");
            }
        }
    }

    /// <inheritdoc/>
    public override ML.DataViewSchema Schema => _view.Schema;

    /// <inheritdoc/>
    public override long Position => _position;

    /// <summary>Always 0: a view hands out a single cursor, so every row is in one batch.</summary>
    public override long Batch => 0;

    /// <inheritdoc/>
    public override bool IsColumnActive(ML.DataViewSchema.Column column)
    {
        CheckColumn(column);
        return _active[column.Index];
    }

    /// <inheritdoc/>
    public override bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position + 1 >= _view.Labels.Length)
        {
            _position = _view.Labels.Length;
            _images?.Dispose();
            return false;
        }

        _images?.ReadExactly(_row);
        _position++;
        return true;
    }

    /// <inheritdoc/>
    public override ML.ValueGetter<ML.Data.DataViewRowId> GetIdGetter() =>
        (ref ML.Data.DataViewRowId value) =>
        {
            CheckOnRow();
            value = new ML.Data.DataViewRowId((ulong)_position, 0);
        };

    /// <inheritdoc/>
    public override ML.ValueGetter<TValue> GetGetter<TValue>(ML.DataViewSchema.Column column)
    {
        if (!IsColumnActive(column))
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' is not active in this cursor over {_view.ImagesPath}: ask for it when creating the cursor.");
        }

        Delegate getter = column.Index == 0 ? (ML.ValueGetter<uint>)GetLabel : (ML.ValueGetter<ML.Data.VBuffer<float>>)GetFeatures;
        return getter as ML.ValueGetter<TValue> ?? throw new InvalidOperationException(
            $"Column '{column.Name}' is {column.Type}; a getter of {typeof(TValue).Name} was asked for " +
            $"(expected {(column.Index == 0 ? nameof(UInt32) : "VBuffer<Single>")}).");
    }

    protected override void Dispose(bool disposing)
    {
        if (!_disposed && disposing)
        {
            _images?.Dispose();
        }

        _disposed = true;
        base.Dispose(disposing);
    }

    private void GetLabel(ref uint value)
    {
        CheckOnRow();
        value = _view.Labels[_position];
    }

    private void GetFeatures(ref ML.Data.VBuffer<float> value)
    {
        CheckOnRow();
        var editor = ML.Data.VBufferEditor.Create(ref value, _row.Length);
        PixelScaling.ToUnitFloats(_row, editor.Values);
        value = editor.Commit();
    }

    private void CheckOnRow()
    {
        if (_position < 0 || _position >= _view.Labels.Length)
        {
            throw new InvalidOperationException(
                $"The cursor over {_view.ImagesPath} is not on a row (position {_position}): call MoveNext and check it returns true first.");
        }
    }

    private void CheckColumn(ML.DataViewSchema.Column column)
    {
        if (column.Index < 0 || column.Index >= _active.Length || column.Name != _view.Schema[column.Index].Name)
        {
            throw new ArgumentOutOfRangeException(
                nameof(column),
                $"Column '{column.Name}' (index {column.Index}) is not a column of the IDX view over {_view.ImagesPath}.");
        }
    }
}
