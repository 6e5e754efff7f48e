using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>Reads whole columns of small views into arrays, for assertions.</summary>
internal static class ColumnReader
{
    /// <summary>Every value of a Single vector column (copied), in cursor order.</summary>
    public static float[][] Vectors(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<VBuffer<float>>(column);
        var rows = new List<float[]>();
        var value = default(VBuffer<float>);
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value.ToArray());
        }

        return rows.ToArray();
    }

    /// <summary>Every value of a column of raw type <typeparamref name="T"/>, in cursor order.</summary>
    public static T[] Values<T>(IDataView view, string name)
    {
        var column = view.Schema[name];
        using var cursor = view.GetRowCursor([column]);
        var getter = cursor.GetGetter<T>(column);
        var rows = new List<T>();
        T value = default!;
        while (cursor.MoveNext())
        {
            getter(ref value);
            rows.Add(value);
        }

        return rows.ToArray();
    }
}
