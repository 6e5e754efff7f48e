using System.Buffers;
using System.Runtime.Intrinsics;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Training-mode batch norm + CReLU + 2x2 stride-2 max-pool over channels-last memory (N × H × W × C), the
/// layout of a channels-last convolution's output: the same function as <see cref="CReluPoolKernel"/> and
/// <see cref="BatchNormKernel"/>, vectorized across channels instead of across windows, so a window's four
/// pixels are four contiguous loads and no lanes need shuffling. 256-bit vectors on AVX2 and AVX-512 alike
/// (the passes are bound by memory, not by arithmetic), scalar otherwise and for the channels a vector
/// does not fill. The output is channels-last too (N × H/2 × W/2 × 2C: each pixel's C positive halves, then
/// its C negative halves), ready for the next channels-last convolution.
/// </summary>
internal static unsafe class ChannelsLastKernel
{
    /// <summary>Pixels summed in float lanes before the sums move to double, and the unit work is split in.</summary>
    public const int PixelBlock = 256;

    /// <summary>Σ (x − center) and Σ (x − center)² per channel over pixels [<paramref name="first"/>, <paramref name="end"/>), added to <paramref name="sum"/> and <paramref name="squares"/>.</summary>
    public static void Sums(float* x, int channels, long first, long end, float* center, double[] sum, double[] squares, InstructionSet set)
    {
        float[] rented = ArrayPool<float>.Shared.Rent(2 * channels);
        try
        {
            fixed (float* scratch = rented)
            {
                float* s = scratch, q = scratch + channels;
                for (long block = first; block < end; block += PixelBlock)
                {
                    new Span<float>(scratch, 2 * channels).Clear();
                    long stop = Math.Min(block + PixelBlock, end);
                    for (long p = block; p < stop; p++)
                    {
                        float* row = x + (p * channels);
                        int c = 0;
                        if (set >= InstructionSet.Avx2)
                        {
                            for (; c + 8 <= channels; c += 8)
                            {
                                var d = Vector256.Load(row + c) - Vector256.Load(center + c);
                                (Vector256.Load(s + c) + d).Store(s + c);
                                (Vector256.Load(q + c) + (d * d)).Store(q + c);
                            }
                        }

                        for (; c < channels; c++)
                        {
                            float d = row[c] - center[c];
                            s[c] += d;
                            q[c] += d * d;
                        }
                    }

                    for (int c = 0; c < channels; c++)
                    {
                        sum[c] += s[c];
                        squares[c] += q[c];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>
    /// Output rows [<paramref name="first"/>, <paramref name="end"/>) (row = n·H/2 + i) of y from x: each window's
    /// extremes mapped by the channel's z = scale·x + shift (see <see cref="CReluPoolKernel.Forward"/> for why the
    /// extremes suffice), then the CReLU halves.
    /// </summary>
    public static void Forward(float* x, float* y, int channels, int h, int w, int first, int end, float* scale, float* shift, InstructionSet set)
    {
        int ho = h / 2, wo = w / 2;
        long c2 = 2L * channels;
        for (int r = first; r < end; r++)
        {
            int n = r / ho, i = r % ho;
            float* top = x + ((((long)n * h) + (2 * i)) * w * channels), bottom = top + ((long)w * channels);
            for (int j = 0; j < wo; j++)
            {
                float* t0 = top + (2L * j * channels), t1 = t0 + channels, b0 = bottom + (2L * j * channels), b1 = b0 + channels;
                float* pos = y + ((((long)r * wo) + j) * c2), neg = pos + channels;
                int c = 0;
                if (set >= InstructionSet.Avx2)
                {
                    for (; c + 8 <= channels; c += 8)
                    {
                        var v00 = Vector256.Load(t0 + c);
                        var v01 = Vector256.Load(t1 + c);
                        var v10 = Vector256.Load(b0 + c);
                        var v11 = Vector256.Load(b1 + c);
                        var max = Vector256.Max(Vector256.Max(v00, v01), Vector256.Max(v10, v11));
                        var min = Vector256.Min(Vector256.Min(v00, v01), Vector256.Min(v10, v11));
                        var a = Vector256.Load(scale + c);
                        var b = Vector256.Load(shift + c);
                        var swap = Vector256.LessThan(a, Vector256<float>.Zero);
                        var hi = (a * Vector256.ConditionalSelect(swap, min, max)) + b;
                        var lo = (a * Vector256.ConditionalSelect(swap, max, min)) + b;
                        Vector256.Max(hi, Vector256<float>.Zero).Store(pos + c);
                        Vector256.Max(-lo, Vector256<float>.Zero).Store(neg + c);
                    }
                }

                for (; c < channels; c++)
                {
                    float max = MathF.Max(MathF.Max(t0[c], t1[c]), MathF.Max(b0[c], b1[c]));
                    float min = MathF.Min(MathF.Min(t0[c], t1[c]), MathF.Min(b0[c], b1[c]));
                    float a = scale[c], b = shift[c];
                    float hi = (a * (a < 0f ? min : max)) + b, lo = (a * (a < 0f ? max : min)) + b;
                    pos[c] = MathF.Max(hi, 0f);
                    neg[c] = MathF.Max(-lo, 0f);
                }
            }
        }
    }

    /// <summary>
    /// The backward pass's first sweep for output rows [<paramref name="first"/>, <paramref name="end"/>): dz, the
    /// gradient at batch norm's output, written at each window's four pixels of <paramref name="gx"/> (the pixels of
    /// no window are left as they are: the caller zeroes them), and Σ dz, Σ dz·(x − center) per channel added to
    /// <paramref name="sumDz"/> and <paramref name="sumDzX"/>. z is rebuilt as the forward pass rounded it, and a
    /// window's gradient goes where max_pool2d sends it: the first maximum (minimum) in row-major order.
    /// </summary>
    public static void BackwardWindows(
        float* x, float* g, float* gx, int channels, int h, int w, int first, int end,
        float* scale, float* shift, float* center, double[] sumDz, double[] sumDzX, InstructionSet set)
    {
        int ho = h / 2, wo = w / 2;
        long c2 = 2L * channels;
        float[] rented = ArrayPool<float>.Shared.Rent(2 * channels);
        try
        {
            fixed (float* scratch = rented)
            {
                float* s = scratch, q = scratch + channels;
                for (int r = first; r < end; r++)
                {
                    new Span<float>(scratch, 2 * channels).Clear();
                    int n = r / ho, i = r % ho;
                    long topOffset = (((long)n * h) + (2 * i)) * w * channels, bottomOffset = topOffset + ((long)w * channels);
                    for (int j = 0; j < wo; j++)
                    {
                        long o00 = topOffset + (2L * j * channels), o01 = o00 + channels, o10 = bottomOffset + (2L * j * channels), o11 = o10 + channels;
                        float* gp = g + ((((long)r * wo) + j) * c2), gn = gp + channels;
                        int c = 0;
                        if (set >= InstructionSet.Avx2)
                        {
                            for (; c + 8 <= channels; c += 8)
                            {
                                Window256(x, gx, o00 + c, o01 + c, o10 + c, o11 + c, gp + c, gn + c, scale + c, shift + c, center + c, s + c, q + c);
                            }
                        }

                        for (; c < channels; c++)
                        {
                            WindowScalar(x, gx, o00 + c, o01 + c, o10 + c, o11 + c, gp[c], gn[c], scale[c], shift[c], center[c], s + c, q + c);
                        }
                    }

                    for (int c = 0; c < channels; c++)
                    {
                        sumDz[c] += s[c];
                        sumDzX[c] += q[c];
                    }
                }
            }
        }
        finally
        {
            ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>The second sweep, pixels [<paramref name="first"/>, <paramref name="end"/>): g = k1·g + k2·(x − center) + k3 per channel, in place.</summary>
    public static void Combine(float* g, float* x, int channels, long first, long end, float* k1, float* k2, float* center, float* k3, InstructionSet set)
    {
        for (long p = first; p < end; p++)
        {
            float* gr = g + (p * channels), xr = x + (p * channels);
            int c = 0;
            if (set >= InstructionSet.Avx2)
            {
                for (; c + 8 <= channels; c += 8)
                {
                    var value = (Vector256.Load(k1 + c) * Vector256.Load(gr + c))
                        + (Vector256.Load(k2 + c) * (Vector256.Load(xr + c) - Vector256.Load(center + c)))
                        + Vector256.Load(k3 + c);
                    value.Store(gr + c);
                }
            }

            for (; c < channels; c++)
            {
                gr[c] = (k1[c] * gr[c]) + (k2[c] * (xr[c] - center[c])) + k3[c];
            }
        }
    }

    private static void Window256(
        float* x, float* gx, long o00, long o01, long o10, long o11, float* gp, float* gn,
        float* scale, float* shift, float* center, float* s, float* q)
    {
        var zero = Vector256<float>.Zero;
        var a = Vector256.Load(scale);
        var b = Vector256.Load(shift);
        var x00 = Vector256.Load(x + o00);
        var x01 = Vector256.Load(x + o01);
        var x10 = Vector256.Load(x + o10);
        var x11 = Vector256.Load(x + o11);
        var t0 = (a * x00) + b;
        var t1 = (a * x01) + b;
        var b0 = (a * x10) + b;
        var b1 = (a * x11) + b;

        // Row-major first maximum: right only if strictly greater within a row, bottom only if strictly greater than top.
        var topRight = Vector256.GreaterThan(t1, t0);
        var bottomRight = Vector256.GreaterThan(b1, b0);
        var topMax = Vector256.ConditionalSelect(topRight, t1, t0);
        var bottomMax = Vector256.ConditionalSelect(bottomRight, b1, b0);
        var down = Vector256.GreaterThan(bottomMax, topMax);
        var gMax = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.ConditionalSelect(down, bottomMax, topMax), zero), Vector256.Load(gp), zero);

        var topLeftMin = Vector256.LessThan(t1, t0);
        var bottomLeftMin = Vector256.LessThan(b1, b0);
        var topMin = Vector256.ConditionalSelect(topLeftMin, t1, t0);
        var bottomMin = Vector256.ConditionalSelect(bottomLeftMin, b1, b0);
        var downMin = Vector256.LessThan(bottomMin, topMin);
        var gMin = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.ConditionalSelect(downMin, bottomMin, topMin), zero), Vector256.Load(gn), zero);

        var gTopMax = Vector256.AndNot(gMax, down);
        var gBottomMax = gMax & down;
        var gTopMin = Vector256.AndNot(gMin, downMin);
        var gBottomMin = gMin & downMin;
        var d00 = Vector256.AndNot(gTopMax, topRight) - Vector256.AndNot(gTopMin, topLeftMin);
        var d01 = (gTopMax & topRight) - (gTopMin & topLeftMin);
        var d10 = Vector256.AndNot(gBottomMax, bottomRight) - Vector256.AndNot(gBottomMin, bottomLeftMin);
        var d11 = (gBottomMax & bottomRight) - (gBottomMin & bottomLeftMin);
        d00.Store(gx + o00);
        d01.Store(gx + o01);
        d10.Store(gx + o10);
        d11.Store(gx + o11);

        var m = Vector256.Load(center);
        (Vector256.Load(s) + ((d00 + d01) + (d10 + d11))).Store(s);
        (Vector256.Load(q) + ((d00 * (x00 - m)) + (d01 * (x01 - m)) + (d10 * (x10 - m)) + (d11 * (x11 - m)))).Store(q);
    }

    private static void WindowScalar(
        float* x, float* gx, long o00, long o01, long o10, long o11, float gp, float gn,
        float a, float b, float center, float* s, float* q)
    {
        // Positions 0..3 in row-major order; strict comparisons keep the first extreme, as max_pool2d does.
        long* offsets = stackalloc long[] { o00, o01, o10, o11 };
        int arg = 0, argMin = 0;
        float max = (a * x[o00]) + b, min = max;
        for (int k = 1; k < 4; k++)
        {
            float z = (a * x[offsets[k]]) + b;
            if (z > max)
            {
                max = z;
                arg = k;
            }

            if (z < min)
            {
                min = z;
                argMin = k;
            }
        }

        float up = max > 0f ? gp : 0f, downward = min < 0f ? gn : 0f;
        for (int k = 0; k < 4; k++)
        {
            float d = (arg == k ? up : 0f) - (argMin == k ? downward : 0f);
            gx[offsets[k]] = d;
            *s += d;
            *q += d * (x[offsets[k]] - center);
        }
    }
}
