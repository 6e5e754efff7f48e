using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// MNIST as text: one image a line, the label then the pixels (0–255, row-major), separated by one character.
/// Columns "Label" (UInt32) and "Image" (Vector&lt;Single, pixels&gt;, pixel / 255). Each cursor streams the file
/// line by line and checks each line only when it reaches it; blank lines are skipped.
/// </summary>
internal sealed class MnistCsvView : IDataView
{
    public const int MnistPixels = 28 * 28;

    private readonly string _path;
    private readonly bool _hasHeader;
    private readonly char _separator;
    private readonly int _pixels;

    public MnistCsvView(string path, bool hasHeader, char separator, int pixels = MnistPixels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (char.IsAsciiDigit(separator) || separator is '-' or '+' or '\r' or '\n')
        {
            throw new ArgumentException($"separator '{separator}' would split numbers; expected a character such as ',', ';' or a tab.", nameof(separator));
        }

        _path = Path.GetFullPath(path);
        if (!File.Exists(_path))
        {
            throw new FileNotFoundException($"Text data file {_path} does not exist; expected MNIST as CSV (label then {pixels} pixels a line).", _path);
        }

        _hasHeader = hasHeader;
        _separator = separator;
        _pixels = pixels;
        Schema = new DataViewSchema.Builder()
            .AddColumn(ImageDatasetView.LabelColumnName, NumberDataViewType.UInt32)
            .AddColumn(ImageDatasetView.ImageColumnName, new VectorDataViewType(NumberDataViewType.Single, pixels))
            .ToSchema();
    }

    public DataViewSchema Schema { get; }

    public bool CanShuffle => false;

    // Counting would mean reading the whole file, which a streaming loader avoids.
    public long? GetRowCount() => null;

    public DataViewRowCursor GetRowCursor(IEnumerable<DataViewSchema.Column> columnsNeeded) =>
        new Cursor(this, RowCursorBase.ActiveColumns(Schema, columnsNeeded));

    private sealed class Cursor : RowCursorBase
    {
        private readonly MnistCsvView _view;
        private readonly StreamReader _reader;
        private readonly byte[] _pixelBytes;
        private readonly float[] _image;
        private long _lineNumber;
        private uint _label;

        public Cursor(MnistCsvView view, bool[] active)
            : base(view.Schema, active)
        {
            _view = view;
            _reader = new StreamReader(view._path);
            _pixelBytes = new byte[view._pixels];
            _image = new float[view._pixels];
            if (view._hasHeader && _reader.ReadLine() is not null)
            {
                _lineNumber = 1;
            }
        }

        protected override bool MoveNextCore()
        {
            string? line;
            do
            {
                line = _reader.ReadLine();
                if (line is null)
                {
                    return false;
                }

                _lineNumber++;
            }
            while (string.IsNullOrWhiteSpace(line));

            Parse(line);
            return true;
        }

        protected override ValueGetter<TValue> CreateGetter<TValue>(int columnIndex)
        {
            if (columnIndex == 0)
            {
                ValueGetter<uint> label = (ref uint value) =>
                {
                    CheckOnRow();
                    value = _label;
                };
                return (ValueGetter<TValue>)(Delegate)label;
            }

            ValueGetter<VBuffer<float>> image = (ref VBuffer<float> value) =>
            {
                CheckOnRow();
                value = new VBuffer<float>(_image);
            };
            return (ValueGetter<TValue>)(Delegate)image;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                _reader.Dispose();
            }

            base.Dispose(disposing);
        }

        // Every field is checked even when a column is inactive, so a bad line fails the same way whatever is read.
        private void Parse(string line)
        {
            int expected = _view._pixels + 1;
            ReadOnlySpan<char> rest = line;
            int field = 0;
            while (true)
            {
                int end = rest.IndexOf(_view._separator);
                var text = (end < 0 ? rest : rest[..end]).Trim();
                if (field >= expected)
                {
                    throw Error($"has more than {expected} fields; expected the label then {_view._pixels} pixels");
                }

                if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long value))
                {
                    throw Error(field == 0
                        ? $"label '{text}' is not an integer"
                        : $"pixel {field - 1} (field {field + 1}) '{text}' is not an integer");
                }

                if (field == 0)
                {
                    if (value < 0)
                    {
                        throw Error($"label {value} is negative; expected a class index 0 or more");
                    }

                    if (value > uint.MaxValue)
                    {
                        throw Error($"label {value} is too large for a UInt32 label");
                    }

                    _label = (uint)value;
                }
                else if (value is < 0 or > 255)
                {
                    throw Error($"pixel {field - 1} (field {field + 1}) is {value}; expected 0 to 255");
                }
                else
                {
                    _pixelBytes[field - 1] = (byte)value;
                }

                field++;
                if (end < 0)
                {
                    break;
                }

                rest = rest[(end + 1)..];
            }

            if (field != expected)
            {
                throw Error($"has {field} fields; expected {expected}: the label then {_view._pixels} pixels");
            }

            // The same conversion as the IDX loaders, so a CSV row and its IDX image give identical floats.
            PixelScaling.ToUnitFloats(_pixelBytes, _image);
        }

        private InvalidDataException Error(string problem) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{_view._path}: line {_lineNumber}: {problem}."));
    }
}
