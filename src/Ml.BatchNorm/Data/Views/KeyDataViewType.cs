using System.Collections.ObjectModel;
using System.Globalization;

namespace Ml.BatchNorm.Data;

/// <summary>
/// A column of category indices, held as <see cref="uint"/> as in ML.NET: 1 to <see cref="Count"/> stand for the
/// categories 0 to Count - 1, and 0 means missing.
/// </summary>
public sealed class KeyDataViewType : PrimitiveDataViewType
{
    private readonly ReadOnlyCollection<string>? _keyNames;

    /// <summary>Creates a key type of <paramref name="count"/> categories.</summary>
    /// <param name="count">The number of categories; positive.</param>
    /// <param name="keyNames">Optionally the name of each category, in order; exactly <paramref name="count"/> names.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="count"/> is not positive.</exception>
    /// <exception cref="ArgumentException"><paramref name="keyNames"/> does not hold <paramref name="count"/> names.</exception>
    public KeyDataViewType(int count, IReadOnlyList<string>? keyNames = null)
        : base(typeof(uint))
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (keyNames is not null && keyNames.Count != count)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"keyNames holds {keyNames.Count} names but the key type has {count} categories; expected one name per category."),
                nameof(keyNames));
        }

        Count = count;
        _keyNames = keyNames is null ? null : Array.AsReadOnly(keyNames.ToArray());
    }

    /// <summary>The number of categories.</summary>
    public int Count { get; }

    /// <summary>The name of each category (for key value k, name k - 1), or null when the categories are unnamed.</summary>
    public IReadOnlyList<string>? KeyNames => _keyNames;

    /// <summary>Two key types are equal when they have the same count; names are descriptive and do not take part.</summary>
    public override bool Equals(DataViewType? other) => other is KeyDataViewType key && key.Count == Count;

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(typeof(KeyDataViewType), Count);

    /// <summary>"Key&lt;UInt32, 0-9&gt;" for ten categories: the raw type and the range of category indices.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"Key<UInt32, 0-{Count - 1}>");
}
