using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Floating-point operations per image of a network, counted from its spec: the multiply-adds of
/// convolutions and dense layers (2 FLOP each). Element-wise layers (batch norm, CReLU, pooling,
/// dropout) are left out, as is usual, since they are memory-bound and negligible in FLOP terms.
/// </summary>
internal static class FlopCount
{
    /// <summary>FLOP of one image's forward pass (model1: about 17 M).</summary>
    public static double ForwardPerImage(NetworkSpec spec)
    {
        long channels = spec.Channels, height = spec.Height, width = spec.Width, features = 0;
        double flops = 0;
        foreach (var layer in spec.Layers)
        {
            switch (layer)
            {
                case ConvolutionLayer c:
                    (height, width) = c.SamePadding
                        ? (Ceiling(height, c.Stride), Ceiling(width, c.Stride))
                        : (((height - c.KernelSize) / c.Stride) + 1, ((width - c.KernelSize) / c.Stride) + 1);
                    flops += 2.0 * c.KernelSize * c.KernelSize * channels * c.Filters * height * width;
                    channels = c.Filters;
                    break;
                case CReluLayer:
                    channels *= 2;
                    features *= 2;
                    break;
                case MaxPoolLayer p:
                    int stride = p.Stride == 0 ? p.KernelSize : p.Stride;
                    height = ((height - p.KernelSize) / stride) + 1;
                    width = ((width - p.KernelSize) / stride) + 1;
                    break;
                case FlattenLayer:
                    features = channels * height * width;
                    break;
                case DenseLayer d:
                    flops += 2.0 * features * d.Units;
                    features = d.Units;
                    break;
            }
        }

        return flops;
    }

    /// <summary>
    /// FLOP of one image's training step: the forward pass, and in the backward pass the gradients
    /// with respect to each layer's input and to its weights, each as costly as the forward product:
    /// three times the forward count (model1: about 51 M).
    /// </summary>
    public static double TrainingPerImage(NetworkSpec spec) => 3 * ForwardPerImage(spec);

    private static long Ceiling(long value, int divisor) => (value + divisor - 1) / divisor;
}
