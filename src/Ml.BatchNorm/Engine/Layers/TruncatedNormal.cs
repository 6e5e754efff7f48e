using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// Weights from a normal distribution cut at two standard deviations by resampling the values outside,
/// as TensorFlow's truncated_normal_initializer does (torch.nn.init.trunc_normal_ instead clips the
/// inverse CDF, and takes no generator). Drawn from the network's own generator, so a seed fixes them.
/// </summary>
internal static class TruncatedNormal
{
    public static Tensor Sample(long[] shape, double std, Generator generator)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var t = normal(0.0, std, shape, ScalarType.Float32, generator: generator);
        for (int round = 0; round < 1000; round++)
        {
            var outside = t.abs() > 2.0 * std;
            if (!outside.any().item<bool>())
            {
                return t.MoveToOuterDisposeScope();
            }

            var fresh = normal(0.0, std, shape, ScalarType.Float32, generator: generator);
            t = where(outside, fresh, t);
        }

        return t.clamp(-2.0 * std, 2.0 * std).MoveToOuterDisposeScope();
    }
}
