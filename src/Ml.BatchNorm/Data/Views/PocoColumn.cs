using System.Reflection;

namespace Ml.BatchNorm.Data;

/// <summary>A public field or property of a row class, as a data-view column.</summary>
internal sealed class PocoColumn
{
    private static readonly string SupportedTypes =
        "float, double, int, long, uint, byte, bool, string, or float[] (with [VectorType(size)] for a fixed size)";

    private PocoColumn(MemberInfo member, string name, DataViewType type, Func<object, object?> read)
    {
        Member = member;
        Name = name;
        Type = type;
        Read = read;
    }

    public MemberInfo Member { get; }

    public string Name { get; }

    public DataViewType Type { get; }

    /// <summary>Reads the member's value from a row object.</summary>
    public Func<object, object?> Read { get; }

    /// <summary>The columns of <paramref name="rowType"/>: its public instance fields, then its readable public instance properties.</summary>
    /// <exception cref="ArgumentException">A member's type or attributes are not supported; the message names the member.</exception>
    public static PocoColumn[] Of(Type rowType)
    {
        var members = new List<PocoColumn>();
        foreach (var field in rowType.GetFields(BindingFlags.Public | BindingFlags.Instance))
        {
            members.Add(Create(rowType, field, field.FieldType, field.GetValue));
        }

        foreach (var property in rowType.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.GetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0)
            {
                members.Add(Create(rowType, property, property.PropertyType, property.GetValue));
            }
        }

        if (members.Count == 0)
        {
            throw new ArgumentException($"{rowType.Name} has no public fields or readable properties to make columns of.", "rows");
        }

        var duplicate = members.GroupBy(m => m.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException(
                $"{rowType.Name}: members {string.Join(" and ", duplicate.Select(m => m.Member.Name))} both make column '{duplicate.Key}'; column names must be unique.",
                "rows");
        }

        return members.ToArray();
    }

    private static PocoColumn Create(Type rowType, MemberInfo member, Type memberType, Func<object, object?> read)
    {
        string where = $"{rowType.Name}.{member.Name}";
        string name = member.Name;
        if (member.GetCustomAttribute<ColumnNameAttribute>() is { } columnName)
        {
            if (string.IsNullOrWhiteSpace(columnName.Name))
            {
                throw new ArgumentException($"{where} has an empty [ColumnName]; expected a column name.", "rows");
            }

            name = columnName.Name;
        }

        var vectorType = member.GetCustomAttribute<VectorTypeAttribute>();
        DataViewType? type;
        if (memberType == typeof(float[]))
        {
            type = new VectorDataViewType(NumberDataViewType.Single, vectorType?.Size ?? 0);
        }
        else
        {
            if (vectorType is not null)
            {
                throw new ArgumentException($"{where} has [VectorType] but is {memberType.Name}; only float[] members can be vectors.", "rows");
            }

            type = memberType == typeof(bool) ? BooleanDataViewType.Instance
                : memberType == typeof(string) ? TextDataViewType.Instance
                : NumberDataViewType.FromRawType(memberType);
        }

        return type is null
            ? throw new ArgumentException($"{where} is {memberType.Name}, which cannot be a column; expected {SupportedTypes}.", "rows")
            : new PocoColumn(member, name, type, read);
    }
}
