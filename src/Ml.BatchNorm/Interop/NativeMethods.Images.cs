using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Image files through OpenCV (images.cpp).</summary>
internal static partial class NativeMethods
{
    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_read_gray", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial NativeStatus ImageReadGray(string path, int height, int width, float* output, out int originalHeight, out int originalWidth);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_write_gray_png", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial NativeStatus ImageWriteGrayPng(string path, byte* pixels, int height, int width);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_decode_bgr", StringMarshalling = StringMarshalling.Utf8)]
    internal static unsafe partial NativeStatus ImageDecodeBgr(string path, out byte* pixels, out int height, out int width);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_free")]
    internal static unsafe partial void ImageFree(byte* pixels);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_resize")]
    internal static unsafe partial NativeStatus ImageResize(byte* source, int height, int width, int channels, byte* destination, int newHeight, int newWidth);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_image_bgr_to_gray")]
    internal static unsafe partial NativeStatus ImageBgrToGray(byte* source, int height, int width, byte* destination);
}
