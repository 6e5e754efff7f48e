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

    // Appended with the batch-norm modes; the fields above keep their offsets.
    public int MovingStatistics;
    public int Renorm;
    public int GhostBatchSize;
    public int RenormWarmUpSteps;
    public double GammaInit;
    public double BetaInit;
    public double MovingMeanInit;
    public double MovingVarianceInit;
    public double GammaL2;
    public double BetaL2;
    public double RenormMaxR;
    public double RenormMaxD;
    public double RenormDecay;
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
