namespace Ml.BatchNorm.Data;

/// <summary>Names the column a field or property becomes in <see cref="DataViewLoaders.LoadFromEnumerable{T}"/> (default: the member's name).</summary>
[AttributeUsage(AttributeTargets.Field | AttributeTargets.Property, AllowMultiple = false)]
public sealed class ColumnNameAttribute : Attribute
{
    /// <summary>Names the column <paramref name="name"/>.</summary>
    public ColumnNameAttribute(string name) => Name = name;

    /// <summary>The column name.</summary>
    public string Name { get; }
}
