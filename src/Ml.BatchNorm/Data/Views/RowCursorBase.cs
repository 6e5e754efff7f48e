namespace Ml.BatchNorm.Data;

/// <summary>
/// The bookkeeping every cursor shares: position, the end state, active columns, and the checks that make
/// <see cref="DataViewRowCursor.GetGetter{TValue}"/> fail with a message instead of returning wrong values.
/// </summary>
internal abstract class RowCursorBase : DataViewRowCursor
{
    private readonly bool[] _active;
    private readonly Delegate?[] _getters;
    private long _position = -1;
    private bool _done;

    protected RowCursorBase(DataViewSchema schema, bool[] active)
    {
        Schema = schema;
        _active = active;
        _getters = new Delegate?[schema.Count];
    }

    public sealed override DataViewSchema Schema { get; }

    public sealed override long Position => _position;

    /// <summary>Whether the cursor is on a row, so getters may read.</summary>
    protected bool OnRow => _position >= 0 && !_done;

    /// <summary>The active flags for <paramref name="columnsNeeded"/>, each checked to belong to <paramref name="schema"/>.</summary>
    public static bool[] ActiveColumns(DataViewSchema schema, IEnumerable<DataViewSchema.Column> columnsNeeded)
    {
        ArgumentNullException.ThrowIfNull(columnsNeeded);
        var active = new bool[schema.Count];
        foreach (var column in columnsNeeded)
        {
            CheckInSchema(schema, column, nameof(columnsNeeded));
            active[column.Index] = true;
        }

        return active;
    }

    /// <summary>A readable name for a raw type: "Single", "VBuffer&lt;Single&gt;".</summary>
    public static string TypeName(Type type) =>
        type.IsGenericType
            ? $"{type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)]}<{string.Join(", ", type.GetGenericArguments().Select(TypeName))}>"
            : type.Name;

    public sealed override bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        if (MoveNextCore())
        {
            _position++;
            return true;
        }

        _done = true;
        return false;
    }

    public sealed override bool IsColumnActive(DataViewSchema.Column column)
    {
        CheckInSchema(Schema, column, nameof(column));
        return _active[column.Index];
    }

    public sealed override ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column)
    {
        CheckInSchema(Schema, column, nameof(column));
        if (!_active[column.Index])
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' ({column.Type}) is not active in this cursor; pass it in columnsNeeded to GetRowCursor to read it.");
        }

        if (typeof(TValue) != column.Type.RawType)
        {
            throw new InvalidOperationException(
                $"Column '{column.Name}' is {column.Type}, read as {TypeName(column.Type.RawType)}, but a getter of {TypeName(typeof(TValue))} was requested.");
        }

        return (ValueGetter<TValue>)(_getters[column.Index] ??= CreateGetter<TValue>(column.Index));
    }

    /// <summary>Moves the source to its next row; false at the end.</summary>
    protected abstract bool MoveNextCore();

    /// <summary>Makes the getter of an active column; <typeparamref name="TValue"/> is already checked to be its raw type.</summary>
    protected abstract ValueGetter<TValue> CreateGetter<TValue>(int columnIndex);

    /// <summary>Throws unless the cursor is on a row.</summary>
    protected void CheckOnRow()
    {
        if (!OnRow)
        {
            throw new InvalidOperationException(
                "The cursor is not on a row: call MoveNext first, and read only while it returns true.");
        }
    }

    private static void CheckInSchema(DataViewSchema schema, DataViewSchema.Column column, string parameterName)
    {
        if (!schema.Contains(column))
        {
            throw new ArgumentException($"Column '{column.Name}' ({column.Type}) is not a column of this view, which has {schema}.", parameterName);
        }
    }
}
