namespace Ml.BatchNorm.Interop;

/// <summary>Process-wide settings and counters of the native bridge.</summary>
public static class NativeRuntime
{
    /// <summary>Native objects currently alive (networks); tests use it to prove nothing leaks.</summary>
    public static long LiveHandles => NativeMethods.LiveHandles();

    /// <summary>
    /// Sets the thread count used by libtorch and OpenBLAS on every thread that calls into the
    /// bridge from now on; 0 means all cores.
    /// </summary>
    public static void SetThreads(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        NativeMethods.SetThreads(count).ThrowIfFailed();
    }

    /// <summary>The thread counts in effect on the calling thread: libtorch's and OpenBLAS's (-1 when OpenBLAS is not loaded).</summary>
    public static (int Torch, int Blas) ThreadsInEffect()
    {
        NativeMethods.ThreadsInEffect(out int torch, out int blas).ThrowIfFailed();
        return (torch, blas);
    }

    /// <summary>
    /// Chooses between the bridge's fused kernels (the default) and libtorch's plain operators, for
    /// every network in the process. The plain path is the reference the fused kernels are tested against.
    /// </summary>
    internal static void SetKernelPath(KernelPath path) => NativeMethods.SetKernelPath(path).ThrowIfFailed();

    /// <summary>
    /// Forces the instruction set of the bridge's vectorized kernels for the whole process, or with
    /// <see cref="InstructionSet.Auto"/> returns to the widest one the CPU supports. Forcing a set the
    /// CPU lacks throws <see cref="NativeException"/> (status NotAvailable) and changes nothing.
    /// </summary>
    internal static void SetInstructionSet(InstructionSet set) => NativeMethods.SetInstructionSet(set).ThrowIfFailed();

    /// <summary>The instruction set the vectorized kernels use now (never <see cref="InstructionSet.Auto"/>).</summary>
    internal static InstructionSet InstructionSetInEffect
    {
        get
        {
            NativeMethods.InstructionSetInEffect(out var set).ThrowIfFailed();
            return set;
        }
    }

    /// <summary>Number of CUDA devices libtorch sees (0 for a CPU-only build).</summary>
    public static int CudaDeviceCount
    {
        get
        {
            NativeMethods.CudaDeviceCount(out int count).ThrowIfFailed();
            return count;
        }
    }

    /// <summary>Checks a device string ("cpu", "cuda", "cuda:N"); throws <see cref="NativeException"/> naming the problem.</summary>
    public static void ValidateDevice(string device) => NativeMethods.DeviceValidate(device).ThrowIfFailed();
}
