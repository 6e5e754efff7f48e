namespace Ml.BatchNorm.Interop;

/// <summary>
/// A failure inside the native bridge or libtorch. The message is libtorch's own text, prefixed with
/// the native operation that failed.
/// </summary>
public sealed class NativeException : Exception
{
    internal NativeException(string operation, string nativeMessage, bool isInvalidArgument, bool isNotAvailable)
        : base(nativeMessage)
    {
        Operation = operation;
        IsInvalidArgument = isInvalidArgument;
        IsNotAvailable = isNotAvailable;
    }

    /// <summary>The native entry point that failed, for example <c>mlbn_network_forward</c>.</summary>
    public string Operation { get; }

    /// <summary>True when the bridge rejected an argument before doing any work.</summary>
    public bool IsInvalidArgument { get; }

    /// <summary>True when a requested device or feature is absent from this build or machine.</summary>
    public bool IsNotAvailable { get; }
}
