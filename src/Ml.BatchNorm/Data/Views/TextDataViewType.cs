namespace Ml.BatchNorm.Data;

/// <summary>
/// The column type of text, held as <see cref="string"/> (ML.NET uses ReadOnlyMemory of char; a string is
/// simpler and our text columns are short). A missing text value is the empty string, never null.
/// </summary>
public sealed class TextDataViewType : PrimitiveDataViewType
{
    private TextDataViewType()
        : base(typeof(string))
    {
    }

    /// <summary>The only instance.</summary>
    public static TextDataViewType Instance { get; } = new();

    /// <inheritdoc/>
    public override bool Equals(DataViewType? other) => ReferenceEquals(this, other);

    /// <inheritdoc/>
    public override int GetHashCode() => RawType.GetHashCode();

    /// <summary>"String".</summary>
    public override string ToString() => "String";
}
