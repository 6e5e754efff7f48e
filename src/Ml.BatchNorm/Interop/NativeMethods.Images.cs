using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Image files through OpenCV (images.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_read_gray", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial NativeStatus ImageReadGray(string path, int height, int width, float* output, out int originalHeight, out int originalWidth);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_write_gray_png", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial NativeStatus ImageWriteGrayPng(string path, byte* pixels, int height, int width);
}
