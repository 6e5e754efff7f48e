using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine.Kernels;

/// <summary>Random inputs and the norm-wise comparison the kernel equivalence tests share.</summary>
internal static class KernelTensors
{
    /// <summary>||a - b|| / ||b||, computed in float64 (0 when both are zero).</summary>
    public static double RelativeError(Tensor a, Tensor b)
    {
        using var scope = NewDisposeScope();
        var a64 = a.detach().to(ScalarType.Float64);
        var b64 = b.detach().to(ScalarType.Float64);
        double reference = b64.norm().item<double>();
        double difference = (a64 - b64).norm().item<double>();
        return reference == 0 ? difference : difference / reference;
    }

    /// <summary>Standard normal float32 values from a fresh seeded generator.</summary>
    public static Tensor Normal(long[] shape, long seed)
    {
        using var generator = new Generator((ulong)seed);
        return randn(shape, ScalarType.Float32, generator: generator);
    }
}
