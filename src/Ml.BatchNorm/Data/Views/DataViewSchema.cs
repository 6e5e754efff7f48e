using System.Collections;

namespace Ml.BatchNorm.Data;

/// <summary>The ordered, named and typed columns of a data view. Column names are unique.</summary>
public sealed class DataViewSchema : IReadOnlyList<DataViewSchema.Column>
{
    private readonly Column[] _columns;
    private readonly Dictionary<string, int> _byName;

    private DataViewSchema(Column[] columns)
    {
        _columns = columns;
        _byName = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            _byName.Add(column.Name, column.Index);
        }
    }

    /// <summary>The number of columns.</summary>
    public int Count => _columns.Length;

    /// <summary>The column at position <paramref name="columnIndex"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">There is no such position.</exception>
    public Column this[int columnIndex]
    {
        get
        {
            if ((uint)columnIndex >= (uint)_columns.Length)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(columnIndex), columnIndex, $"Column index {columnIndex} is outside a schema of {_columns.Length} columns ({Describe()}).");
            }

            return _columns[columnIndex];
        }
    }

    /// <summary>The column named <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">No column has that name; the message lists the schema's columns.</exception>
    public Column this[string name] =>
        GetColumnOrNull(name) ?? throw new ArgumentOutOfRangeException(
            nameof(name), name, $"There is no column '{name}'; the schema has {Describe()}.");

    /// <summary>The column named <paramref name="name"/> (case-sensitive), or null.</summary>
    public Column? GetColumnOrNull(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return _byName.TryGetValue(name, out int index) ? _columns[index] : null;
    }

    /// <inheritdoc/>
    public IEnumerator<Column> GetEnumerator() => ((IEnumerable<Column>)_columns).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The columns as "Name: Type", comma-separated.</summary>
    public override string ToString() => Describe();

    /// <summary>Whether <paramref name="column"/> is this schema's column at its index (same name and type).</summary>
    internal bool Contains(Column column) =>
        (uint)column.Index < (uint)_columns.Length
        && _columns[column.Index].Name == column.Name
        && _columns[column.Index].Type.Equals(column.Type);

    private string Describe() => _columns.Length == 0 ? "no columns" : string.Join(", ", _columns.Select(c => c.ToString()));

    /// <summary>One column of a schema.</summary>
    public readonly struct Column : IEquatable<Column>
    {
        internal Column(string name, int index, DataViewType type)
        {
            Name = name;
            Index = index;
            Type = type;
        }

        /// <summary>The column's name, unique within its schema.</summary>
        public string Name { get; }

        /// <summary>The column's position in its schema, from 0.</summary>
        public int Index { get; }

        /// <summary>The type of the column's values.</summary>
        public DataViewType Type { get; }

        /// <inheritdoc/>
        public bool Equals(Column other) => Name == other.Name && Index == other.Index && Equals(Type, other.Type);

        /// <inheritdoc/>
        public override bool Equals(object? obj) => obj is Column other && Equals(other);

        /// <inheritdoc/>
        public override int GetHashCode() => HashCode.Combine(Name, Index, Type);

        /// <summary>"Name: Type", e.g. "Image: Vector&lt;Single, 784&gt;".</summary>
        public override string ToString() => $"{Name}: {Type}";
    }

    /// <summary>Collects columns in order and makes a schema of them.</summary>
    public sealed class Builder
    {
        private readonly List<(string Name, DataViewType Type)> _columns = [];

        /// <summary>Appends a column.</summary>
        /// <exception cref="ArgumentException">The name is empty or already used.</exception>
        public Builder AddColumn(string name, DataViewType type)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(name);
            ArgumentNullException.ThrowIfNull(type);

            // Unique names keep lookups unambiguous; ML.NET's hidden columns would only confuse SelectColumns.
            if (_columns.Exists(c => c.Name == name))
            {
                throw new ArgumentException($"The schema already has a column '{name}'; column names must be unique.", nameof(name));
            }

            _columns.Add((name, type));
            return this;
        }

        /// <summary>Makes the schema of the columns added so far.</summary>
        public DataViewSchema ToSchema() =>
            new(_columns.Select((c, i) => new Column(c.Name, i, c.Type)).ToArray());
    }
}
