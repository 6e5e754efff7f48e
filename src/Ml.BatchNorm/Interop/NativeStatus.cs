namespace Ml.BatchNorm.Interop;

/// <summary>Status codes returned by every native entry point (mlbn.h).</summary>
internal enum NativeStatus
{
    Ok = 0,
    Error = 1,
    InvalidArgument = 2,
    NotAvailable = 3,
}
