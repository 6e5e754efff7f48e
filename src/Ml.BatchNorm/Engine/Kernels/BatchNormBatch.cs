using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// One training batch's per-channel statistics and the affine map batch norm applies with them:
/// z = Scale·x + Shift, Scale = γ·InvStd, Shift = β − Mean·Scale (γ = 1 and β = 0 where the layer has none).
/// </summary>
internal sealed class BatchNormBatch
{
    private BatchNormBatch(double[] mean, double[] variance, double[] invStd, float[] scale, float[] shift)
    {
        Mean = mean;
        Variance = variance;
        InvStd = invStd;
        Scale = scale;
        Shift = shift;
        Center = mean.Select(m => (float)m).ToArray();
    }

    /// <summary>Whether the batch was channels-last memory (<see cref="TensorMemory.IsChannelsLast"/>): which kernels run.</summary>
    public bool ChannelsLast { get; private init; }

    /// <summary>The batch mean per channel.</summary>
    public double[] Mean { get; }

    /// <summary>The biased batch variance per channel.</summary>
    public double[] Variance { get; }

    /// <summary>1 / sqrt(Variance + epsilon).</summary>
    public double[] InvStd { get; }

    /// <summary>γ·InvStd, as the kernels multiply by it.</summary>
    public float[] Scale { get; }

    /// <summary>β − Mean·Scale.</summary>
    public float[] Shift { get; }

    /// <summary>The mean in float: what the backward pass centres x on before it multiplies.</summary>
    public float[] Center { get; }

    /// <summary>Values per channel the statistics were taken over (batch × height × width).</summary>
    public long Count { get; private init; }

    /// <summary>
    /// Measures a float32 CPU batch (N, C, H, W): contiguous, or channels-last memory when
    /// <paramref name="channelsLast"/> (<see cref="TensorMemory.IsChannelsLast"/>).
    /// </summary>
    public static unsafe BatchNormBatch Measure(Tensor x, bool channelsLast, Tensor? gamma, Tensor? beta, double epsilon, InstructionSet set)
    {
        int n = (int)x.shape[0], c = (int)x.shape[1];
        long plane = x.shape[2] * x.shape[3];
        var mean = new double[c];
        var variance = new double[c];
        if (channelsLast)
        {
            MeasureChannelsLast(x, n * plane, mean, variance, set);
        }
        else
        {
            nint xp = TensorMemory.Address(x);
            PlaneRanges.Run(c, n * plane, (first, end) =>
                BatchNormKernel.Statistics((float*)xp, n, c, plane, first, end, mean, variance, set));
        }

        float[]? g = gamma is null ? null : Values(gamma);
        float[]? b = beta is null ? null : Values(beta);
        var invStd = new double[c];
        var scale = new float[c];
        var shift = new float[c];
        for (int k = 0; k < c; k++)
        {
            invStd[k] = 1.0 / Math.Sqrt(variance[k] + epsilon);
            scale[k] = (float)((g?[k] ?? 1f) * invStd[k]);
            shift[k] = (float)((b?[k] ?? 0f) - (mean[k] * scale[k]));
        }

        return new BatchNormBatch(mean, variance, invStd, scale, shift) { Count = n * plane, ChannelsLast = channelsLast };
    }

    /// <summary>
    /// Channel <paramref name="c"/>'s backward pass from its sums Σ dz and Σ dz·(x − Center), dz being the gradient at
    /// batch norm's output: ∂L/∂γ = invstd·Σ dz·(x − mean) (∂L/∂β is Σ dz), and the coefficients of
    /// ∂L/∂x = K1·dz + K2·(x − Center) + K3, which is a·(dz − mean(dz) − x̂·mean(dz·x̂)) with x̂ = invstd·(x − mean).
    /// </summary>
    public (double GradGamma, float K1, float K2, float K3) Backward(int c, double sumDz, double sumDzX)
    {
        double a = Scale[c], invstd = InvStd[c];
        return (invstd * sumDzX, Scale[c], (float)(-a * invstd * invstd * sumDzX / Count), (float)(-a * sumDz / Count));
    }

    // Channels-last memory is summed over ranges of pixels, all channels at once.
    private static unsafe void MeasureChannelsLast(Tensor x, long pixels, double[] mean, double[] variance, InstructionSet set)
    {
        const int Block = ChannelsLastKernel.PixelBlock;
        int c = mean.Length;
        using var memory = TensorMemory.ChannelsLastMemory(x);
        nint xp = TensorMemory.Address(memory);
        float[] center = new ReadOnlySpan<float>((float*)xp, c).ToArray();
        int blocks = (int)((pixels + Block - 1) / Block);
        double[] sum, squares;
        fixed (float* cp = center)
        {
            nint centerAddress = (nint)cp;
            (sum, squares) = PlaneRanges.Sums(blocks, (long)Block * c, c, (first, end, s, q) =>
                ChannelsLastKernel.Sums((float*)xp, c, (long)first * Block, Math.Min((long)end * Block, pixels), (float*)centerAddress, s, q, set));
        }

        for (int k = 0; k < c; k++)
        {
            double shift = sum[k] / pixels;
            mean[k] = center[k] + shift;
            variance[k] = Math.Max((squares[k] / pixels) - (shift * shift), 0.0);
        }
    }

    private static float[] Values(Tensor t)
    {
        using var contiguous = t.detach().contiguous();
        return contiguous.data<float>().ToArray();
    }
}
