namespace Ml.BatchNorm.Runtime;

/// <summary>A file is not a well-formed 64-bit little-endian ELF image; the message says where it is broken.</summary>
internal sealed class ElfFormatException : Exception
{
    public ElfFormatException(string message, bool isForeign = false)
        : base(message)
    {
        IsForeign = isForeign;
    }

    /// <summary>True when the file is intact but of another kind (not ELF, 32-bit, big-endian); false when damaged.</summary>
    public bool IsForeign { get; }
}
