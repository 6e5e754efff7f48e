namespace Ml.BatchNorm.Data;

/// <summary>
/// An <see cref="ImageDataset"/> as a data view: "Label" (UInt32, the raw 0-based label value) and "Image"
/// (Vector&lt;Single, Height×Width&gt;, pixel / 255, row-major). Pixels are converted per row as they are read.
/// </summary>
internal sealed class ImageDatasetView : IRandomAccessDataView
{
    public const string LabelColumnName = "Label";
    public const string ImageColumnName = "Image";

    private readonly ImageDataset _data;

    public ImageDatasetView(ImageDataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        _data = data;
        Schema = new DataViewSchema.Builder()
            .AddColumn(LabelColumnName, NumberDataViewType.UInt32)
            .AddColumn(ImageColumnName, new VectorDataViewType(NumberDataViewType.Single, data.PixelsPerImage))
            .ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => true;

    public long? GetRowCount() => _data.Count;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) => GetRowCursor(columnsNeeded, null);

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded, IReadOnlyList<int>? rows) =>
        new Cursor(this, RowCursorBase.ActiveColumns(Schema, columnsNeeded), rows);

    private sealed class Cursor(ImageDatasetView view, bool[] active, IReadOnlyList<int>? rows)
        : IndexedRowCursor(view.Schema, active, view._data.Count, rows)
    {
        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex)
        {
            var data = view._data;
            if (columnIndex == 0)
            {
                ValueGetter<uint> label = (ref uint value) =>
                {
                    CheckOnRow();
                    value = (uint)data.GetLabel(Row);
                };
                return (ValueGetter<TValue>)(Delegate)label;
            }

            // One buffer per cursor: rows are converted into it, so reading allocates nothing (see VBuffer's reuse rule).
            var buffer = new float[data.PixelsPerImage];
            ValueGetter<VBuffer<float>> image = (ref VBuffer<float> value) =>
            {
                CheckOnRow();
                data.CopyImage(Row, buffer);
                value = new VBuffer<float>(buffer);
            };
            return (ValueGetter<TValue>)(Delegate)image;
        }
    }
}
