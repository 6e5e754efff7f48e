using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Owns one native <c>mlbn_network</c>; released by Dispose or, failing that, the finalizer.</summary>
internal sealed class NetworkHandle : SafeHandle
{
    public NetworkHandle() : base(IntPtr.Zero, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    protected override bool ReleaseHandle()
    {
        NativeMethods.NetworkFree(handle);
        return true;
    }
}
