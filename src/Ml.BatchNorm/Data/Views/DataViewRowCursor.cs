namespace Ml.BatchNorm.Data;

/// <summary>
/// A forward-only position in a data view. It starts before the first row; <see cref="MoveNext"/> advances it,
/// and getters read the active columns of the current row. Dispose it to release files it holds open.
/// </summary>
public abstract class DataViewRowCursor : IDisposable
{
    /// <summary>The columns of the view being read.</summary>
    public abstract DataViewSchema Schema { get; }

    /// <summary>The number of rows passed: -1 before the first <see cref="MoveNext"/>, 0 on the first row.</summary>
    public abstract long Position { get; }

    /// <summary>Advances to the next row; false when there is none.</summary>
    public abstract bool MoveNext();

    /// <summary>Whether <paramref name="column"/> was requested when the cursor was made, so that it can be read.</summary>
    public abstract bool IsColumnActive(DataViewSchema.Column column);

    /// <summary>A delegate that reads <paramref name="column"/> of the current row.</summary>
    /// <typeparam name="TValue">Must be the column type's <see cref="DataViewType.RawType"/>.</typeparam>
    /// <exception cref="InvalidOperationException">
    /// <typeparamref name="TValue"/> does not match the column's type, or the column is not active.
    /// </exception>
    public abstract ValueGetter<TValue> GetGetter<TValue>(DataViewSchema.Column column);

    /// <summary>Releases what the cursor holds.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases what the cursor holds; <paramref name="disposing"/> is false only from a finalizer.</summary>
    protected virtual void Dispose(bool disposing)
    {
    }
}
