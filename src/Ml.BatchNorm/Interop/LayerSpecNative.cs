using System.Runtime.InteropServices;

namespace Ml.BatchNorm.Interop;

/// <summary>Mirror of <c>mlbn_layer_spec</c> in mlbn.h; field order and sizes must match.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LayerSpecNative
{
    public int Kind;
    public int Units;
    public int Kernel;
    public int Stride;
    public int SamePadding;
    public int Bias;
    public int Center;
    public int Scale;
    public double Decay;
    public double Epsilon;
    public double KeepProbability;
    public double InitStd;
}

internal enum NativeLayerKind
{
    Convolution = 1,
    BatchNorm = 2,
    CRelu = 3,
    Relu = 4,
    MaxPool = 5,
    Flatten = 6,
    Dense = 7,
    Dropout = 8,
}

internal enum NativeOptimizerKind
{
    Sgd = 1,
    Adagrad = 2,
    Adam = 3,
}

internal enum NativeTensorRole
{
    Parameter = 0,
    Statistic = 1,
    Optimizer = 2,
}
