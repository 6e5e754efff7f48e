using System.Buffers;
using System.Runtime.Intrinsics;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Training-mode batch normalization over NCHW float planes, for <see cref="BatchNormCReluPoolFunction"/>:
/// the per-channel batch statistics, and the backward pass through batch norm, CReLU and the 2x2 max-pool
/// in one sweep per channel. Sums are kept per plane in float lanes and across planes in double, centred on
/// a value of the channel so that E[x²] − E[x]² does not cancel.
/// </summary>
internal static unsafe class BatchNormKernel
{
    /// <summary>
    /// Mean and biased variance of channels [<paramref name="first"/>, <paramref name="end"/>) of x
    /// (N × C × plane floats), in double.
    /// </summary>
    public static void Statistics(float* x, int batch, int channels, long plane, int first, int end, double[] mean, double[] variance, InstructionSet set)
    {
        double count = (double)batch * plane;
        for (int c = first; c < end; c++)
        {
            float center = x[(long)c * plane];
            double s1 = 0, s2 = 0;
            for (int n = 0; n < batch; n++)
            {
                var (a, b) = CenteredSums(x + ((((long)n * channels) + c) * plane), plane, center, set);
                s1 += a;
                s2 += b;
            }

            double shift = s1 / count;
            mean[c] = center + shift;
            variance[c] = Math.Max((s2 / count) - (shift * shift), 0.0);
        }
    }

    /// <summary>
    /// Gradients for channels [<paramref name="first"/>, <paramref name="end"/>) of the layer
    /// y = CReluPool(scale·x + shift) whose scale and shift came from the batch's own statistics
    /// (scale = γ·invstd, shift = β − mean·scale): writes ∂L/∂x into <paramref name="gx"/> (which holds zeros
    /// where an odd edge leaves positions out of every window) and the sums ∂L/∂β = Σ dz and
    /// ∂L/∂γ = invstd · Σ dz·(x − mean) per channel, dz being the gradient at the batch norm's output.
    /// </summary>
    public static void Backward(
        float* x, float* g, float* gx, int batch, int channels, int h, int w, int first, int end,
        BatchNormBatch stats, double[] gradBeta, double[] gradGamma, InstructionSet set)
    {
        long plane = (long)h * w;
        float[] rented = ArrayPool<float>.Shared.Rent((int)plane);
        try
        {
            fixed (float* z = rented)
            {
                for (int c = first; c < end; c++)
                {
                    float a = stats.Scale[c], b = stats.Shift[c], center = stats.Center[c];

                    // Pass 1: the pool's gradient at z = a·x + b (z rebuilt per plane exactly as the forward
                    // pass compared it), and the channel's sums.
                    double sumDz = 0, sumDzX = 0;
                    for (int n = 0; n < batch; n++)
                    {
                        int p = (n * channels) + c;
                        float* xp = x + ((long)p * plane), dz = gx + ((long)p * plane);
                        Affine(xp, z, plane, a, b, set);
                        CReluPoolKernel.BackwardPlane(z, g, dz, p, channels, h, w, set);
                        var (s, sx) = GradientSums(dz, xp, plane, center, set);
                        sumDz += s;
                        sumDzX += sx;
                    }

                    // Pass 2: gx = a·(dz − mean(dz) − x̂·mean(dz·x̂)), with x̂ = invstd·(x − mean).
                    gradBeta[c] = sumDz;
                    (gradGamma[c], float k1, float k2, float k3) = stats.Backward(c, sumDz, sumDzX);
                    for (int n = 0; n < batch; n++)
                    {
                        long offset = (((long)n * channels) + c) * plane;
                        Combine(gx + offset, x + offset, plane, k1, k2, center, k3, set);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    // Σ (x − center) and Σ (x − center)² over count floats.
    private static (double Sum, double Squares) CenteredSums(float* x, long count, float center, InstructionSet set)
    {
        long i = 0;
        float sum = 0, squares = 0;
        if (set == InstructionSet.Avx512)
        {
            Vector512<float> s = Vector512<float>.Zero, q = Vector512<float>.Zero, vc = Vector512.Create(center);
            for (; i + 16 <= count; i += 16)
            {
                var d = Vector512.Load(x + i) - vc;
                s += d;
                q += d * d;
            }

            sum = Vector512.Sum(s);
            squares = Vector512.Sum(q);
        }
        else if (set == InstructionSet.Avx2)
        {
            Vector256<float> s = Vector256<float>.Zero, q = Vector256<float>.Zero, vc = Vector256.Create(center);
            for (; i + 8 <= count; i += 8)
            {
                var d = Vector256.Load(x + i) - vc;
                s += d;
                q += d * d;
            }

            sum = Vector256.Sum(s);
            squares = Vector256.Sum(q);
        }

        for (; i < count; i++)
        {
            float d = x[i] - center;
            sum += d;
            squares += d * d;
        }

        return (sum, squares);
    }

    // z = a·x + b, multiply then add as CReluPoolKernel.Forward rounds it (no fused multiply-add).
    private static void Affine(float* x, float* z, long count, float a, float b, InstructionSet set)
    {
        long i = 0;
        if (set == InstructionSet.Avx512)
        {
            Vector512<float> va = Vector512.Create(a), vb = Vector512.Create(b);
            for (; i + 16 <= count; i += 16)
            {
                ((va * Vector512.Load(x + i)) + vb).Store(z + i);
            }
        }

        if (set >= InstructionSet.Avx2)
        {
            Vector256<float> va = Vector256.Create(a), vb = Vector256.Create(b);
            for (; i + 8 <= count; i += 8)
            {
                ((va * Vector256.Load(x + i)) + vb).Store(z + i);
            }
        }

        for (; i < count; i++)
        {
            z[i] = (a * x[i]) + b;
        }
    }

    // Σ dz and Σ dz·(x − center) over count floats.
    private static (double Sum, double Products) GradientSums(float* dz, float* x, long count, float center, InstructionSet set)
    {
        long i = 0;
        float sum = 0, products = 0;
        if (set == InstructionSet.Avx512)
        {
            Vector512<float> s = Vector512<float>.Zero, q = Vector512<float>.Zero, vc = Vector512.Create(center);
            for (; i + 16 <= count; i += 16)
            {
                var d = Vector512.Load(dz + i);
                s += d;
                q += d * (Vector512.Load(x + i) - vc);
            }

            sum = Vector512.Sum(s);
            products = Vector512.Sum(q);
        }
        else if (set == InstructionSet.Avx2)
        {
            Vector256<float> s = Vector256<float>.Zero, q = Vector256<float>.Zero, vc = Vector256.Create(center);
            for (; i + 8 <= count; i += 8)
            {
                var d = Vector256.Load(dz + i);
                s += d;
                q += d * (Vector256.Load(x + i) - vc);
            }

            sum = Vector256.Sum(s);
            products = Vector256.Sum(q);
        }

        for (; i < count; i++)
        {
            sum += dz[i];
            products += dz[i] * (x[i] - center);
        }

        return (sum, products);
    }

    // g = k1·g + k2·(x − center) + k3, in place.
    private static void Combine(float* g, float* x, long count, float k1, float k2, float center, float k3, InstructionSet set)
    {
        long i = 0;
        if (set == InstructionSet.Avx512)
        {
            Vector512<float> v1 = Vector512.Create(k1), v2 = Vector512.Create(k2), vc = Vector512.Create(center), v3 = Vector512.Create(k3);
            for (; i + 16 <= count; i += 16)
            {
                ((v1 * Vector512.Load(g + i)) + (v2 * (Vector512.Load(x + i) - vc)) + v3).Store(g + i);
            }
        }

        if (set >= InstructionSet.Avx2)
        {
            Vector256<float> v1 = Vector256.Create(k1), v2 = Vector256.Create(k2), vc = Vector256.Create(center), v3 = Vector256.Create(k3);
            for (; i + 8 <= count; i += 8)
            {
                ((v1 * Vector256.Load(g + i)) + (v2 * (Vector256.Load(x + i) - vc)) + v3).Store(g + i);
            }
        }

        for (; i < count; i++)
        {
            g[i] = (k1 * g[i]) + (k2 * (x[i] - center)) + k3;
        }
    }
}
