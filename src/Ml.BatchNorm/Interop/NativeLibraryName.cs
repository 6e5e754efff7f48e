namespace Ml.BatchNorm.Interop;

internal static class NativeLibraryName
{
    /// <summary>libmlbn_native.so, built from src/Ml.BatchNorm.Native and copied beside the assemblies.</summary>
    public const string Value = "mlbn_native";
}
