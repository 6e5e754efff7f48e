using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Errors, handle bookkeeping, threads and devices (status.cpp, threads.cpp, device.cpp).</summary>
internal static partial class NativeMethods
{
    // Runs before the first call into the bridge, so before libtorch, libgomp and OpenBLAS load.
    static NativeMethods() => ThreadPoolEnvironment.Apply();

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_last_error")]
    internal static partial IntPtr LastError();

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_free_string")]
    internal static partial void FreeString(IntPtr text);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_live_handles")]
    internal static partial long LiveHandles();

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_set_threads")]
    internal static partial NativeStatus SetThreads(int count);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_threads_in_effect")]
    internal static partial NativeStatus ThreadsInEffect(out int torchThreads, out int blasThreads);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_set_kernel_path")]
    internal static partial NativeStatus SetKernelPath(KernelPath path);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_set_instruction_set")]
    internal static partial NativeStatus SetInstructionSet(InstructionSet set);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_instruction_set_in_effect")]
    internal static partial NativeStatus InstructionSetInEffect(out InstructionSet set);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_device_validate", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus DeviceValidate(string device);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_cuda_device_count")]
    internal static partial NativeStatus CudaDeviceCount(out int count);
}
