using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Networks: creation, forward passes, training steps and named tensors (network.cpp, optimizer.cpp, training.cpp, tensors.cpp).</summary>
internal static unsafe partial class NativeMethods
{
    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_create", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus NetworkCreate(LayerSpecNative* layers, int layerCount, int channels, int height, int width, ulong seed, string device, out NetworkHandle network);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_free")]
    internal static partial void NetworkFree(IntPtr network);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_output_size")]
    internal static partial NativeStatus NetworkOutputSize(NetworkHandle network, out long size);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_forward")]
    internal static partial NativeStatus NetworkForward(NetworkHandle network, float* input, long batch, int height, int width, int training, ulong step, float* output, long outputCapacity);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_score")]
    internal static partial NativeStatus NetworkScore(NetworkHandle network, float* input, long batch, float* probabilities);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_folding_active")]
    internal static partial NativeStatus NetworkFoldingActive(NetworkHandle network, out int active);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_set_folding")]
    internal static partial NativeStatus NetworkSetFolding(NetworkHandle network, int enabled);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_evaluate")]
    internal static partial NativeStatus NetworkEvaluate(NetworkHandle network, float* input, long* labels, long batch, out double lossSum, out long correct);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_set_optimizer")]
    internal static partial NativeStatus NetworkSetOptimizer(NetworkHandle network, NativeOptimizerKind kind, double beta1, double beta2, double epsilon, double weightDecay, double initialAccumulator, int nesterov);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_train_step")]
    internal static partial NativeStatus NetworkTrainStep(NetworkHandle network, float* input, long* labels, long batch, double learningRate, ulong step, out float loss, out long correct);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_tensor_count")]
    internal static partial NativeStatus NetworkTensorCount(NetworkHandle network, out int count);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_tensor_info")]
    internal static partial NativeStatus NetworkTensorInfo(NetworkHandle network, int index, out IntPtr name, out NativeTensorRole role, out int rank, long* shape, int shapeCapacity);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_tensor_read", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus NetworkTensorRead(NetworkHandle network, string name, float* destination, long count);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_tensor_write", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial NativeStatus NetworkTensorWrite(NetworkHandle network, string name, float* source, long count);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_set_bn_policy")]
    internal static partial NativeStatus NetworkSetBatchNormPolicy(NetworkHandle network, int layerIndex, int policy);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_get_bn_policy")]
    internal static partial NativeStatus NetworkGetBatchNormPolicy(NetworkHandle network, int layerIndex, out int policy);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_recalibrate_begin")]
    internal static partial NativeStatus NetworkRecalibrateBegin(NetworkHandle network);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_recalibrate_batch")]
    internal static partial NativeStatus NetworkRecalibrateBatch(NetworkHandle network, float* input, long batch);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_recalibrate_cancel")]
    internal static partial NativeStatus NetworkRecalibrateCancel(NetworkHandle network);

    [LibraryImport(NativeLibraryName.Value, EntryPoint = "mlbn_network_recalibrate_end")]
    internal static partial NativeStatus NetworkRecalibrateEnd(NetworkHandle network);
}
