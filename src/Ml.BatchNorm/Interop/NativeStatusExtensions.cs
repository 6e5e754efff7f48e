using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>The one place where a failed native status becomes a .NET exception.</summary>
internal static class NativeStatusExtensions
{
    public static void ThrowIfFailed(this NativeStatus status, [CallerArgumentExpression(nameof(status))] string call = "")
    {
        if (status == NativeStatus.Ok)
        {
            return;
        }

        IntPtr text = NativeMethods.LastError();
        string message;
        try
        {
            message = text == IntPtr.Zero ? $"native call failed with status {status}" : Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            NativeMethods.FreeString(text);
        }

        throw new NativeException(OperationName(call), message, status == NativeStatus.InvalidArgument, status == NativeStatus.NotAvailable);
    }

    public static string TakeString(IntPtr text)
    {
        try
        {
            return Marshal.PtrToStringUTF8(text) ?? string.Empty;
        }
        finally
        {
            NativeMethods.FreeString(text);
        }
    }

    // "NativeMethods.NetworkForward(handle, ...)" -> "NetworkForward"
    private static string OperationName(string call)
    {
        int open = call.IndexOf('(');
        string head = open < 0 ? call : call[..open];
        int dot = head.LastIndexOf('.');
        return dot < 0 ? head : head[(dot + 1)..];
    }
}
