using System.Reflection;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Copies the current row of a cursor into an object of <typeparamref name="T"/>: each public settable field or
/// property whose column name (its name, or its <see cref="ColumnNameAttribute"/>) is in the schema receives that
/// column. Checked once, at construction, so a mismatch fails when the engine is made rather than on the first row.
/// </summary>
internal sealed class PocoOutputWriter<T>
    where T : class, new()
{
    private readonly (DataViewSchema.Column Column, Func<DataViewRowCursor, Action<T>> Bind)[] _members;

    public PocoOutputWriter(DataViewSchema schema)
    {
        var members = new List<(DataViewSchema.Column, Func<DataViewRowCursor, Action<T>>)>();
        foreach (var member in typeof(T).GetMembers(BindingFlags.Public | BindingFlags.Instance))
        {
            (Type type, Action<object, object?> set)? target = member switch
            {
                FieldInfo f when !f.IsInitOnly => (f.FieldType, f.SetValue),
                PropertyInfo p when p.SetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0 => (p.PropertyType, p.SetValue),
                _ => null,
            };
            if (target is not { } t)
            {
                continue;
            }

            string name = member.GetCustomAttribute<ColumnNameAttribute>()?.Name ?? member.Name;
            string where = $"{typeof(T).Name}.{member.Name}";
            var column = schema.GetColumnOrNull(name)
                ?? throw new ArgumentException($"{where} expects column '{name}', which the model does not produce; it produces {schema}.", nameof(T));
            if (t.type == typeof(float[]) && column.Type is VectorDataViewType { ItemType: var item } && item == NumberDataViewType.Single)
            {
                members.Add((column, cursor =>
                {
                    var read = cursor.GetGetter<VBuffer<float>>(column);
                    return row =>
                    {
                        var value = default(VBuffer<float>);
                        read(ref value);
                        t.set(row, value.ToArray());
                    };
                }));
            }
            else if (t.type == column.Type.RawType)
            {
                var bind = typeof(PocoOutputWriter<T>).GetMethod(nameof(BindScalar), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(t.type);
                members.Add((column, (Func<DataViewRowCursor, Action<T>>)(cursor => (Action<T>)bind.Invoke(null, [cursor, column, t.set])!)));
            }
            else
            {
                throw new ArgumentException($"{where} is {t.type.Name} but column '{name}' is {column.Type}, read as {column.Type.RawType.Name}.", nameof(T));
            }
        }

        _members = members.ToArray();
    }

    /// <summary>The columns the writer reads.</summary>
    public IEnumerable<DataViewSchema.Column> Columns => _members.Select(m => m.Column);

    /// <summary>Binds the writer to a cursor: the returned action copies the cursor's current row into an object.</summary>
    public Action<T> Bind(DataViewRowCursor cursor)
    {
        var setters = _members.Select(m => m.Bind(cursor)).ToArray();
        return row =>
        {
            foreach (var set in setters)
            {
                set(row);
            }
        };
    }

    private static Action<T> BindScalar<TValue>(DataViewRowCursor cursor, DataViewSchema.Column column, Action<object, object?> set)
    {
        var read = cursor.GetGetter<TValue>(column);
        return row =>
        {
            TValue value = default!;
            read(ref value);
            set(row, value);
        };
    }
}
