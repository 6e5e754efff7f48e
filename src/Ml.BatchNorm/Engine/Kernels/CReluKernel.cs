using System.Runtime.Intrinsics;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// CReLU over rows: a row of n features x becomes 2n features (relu(x), relu(-x)); the gradient is
/// g[:n]·[x &gt; 0] - g[n:]·[x &lt; 0], the same as relu's (zero at zero).
/// </summary>
internal static unsafe class CReluKernel
{
    /// <summary>Rows [<paramref name="first"/>, <paramref name="end"/>) of x (rows × n) into y (rows × 2n).</summary>
    public static void Forward(float* x, float* y, long n, int first, int end, InstructionSet set)
    {
        for (long r = first; r < end; r++)
        {
            float* input = x + (r * n), pos = y + (r * 2 * n), neg = pos + n;
            long j = 0;
            if (set == InstructionSet.Avx512)
            {
                for (; j + 16 <= n; j += 16)
                {
                    var v = Vector512.Load(input + j);
                    Vector512.Max(v, Vector512<float>.Zero).Store(pos + j);
                    Vector512.Max(-v, Vector512<float>.Zero).Store(neg + j);
                }
            }

            if (set >= InstructionSet.Avx2)
            {
                for (; j + 8 <= n; j += 8)
                {
                    var v = Vector256.Load(input + j);
                    Vector256.Max(v, Vector256<float>.Zero).Store(pos + j);
                    Vector256.Max(-v, Vector256<float>.Zero).Store(neg + j);
                }
            }

            for (; j < n; j++)
            {
                pos[j] = MathF.Max(input[j], 0f);
                neg[j] = MathF.Max(-input[j], 0f);
            }
        }
    }

    /// <summary>Gradient with respect to x for rows [<paramref name="first"/>, <paramref name="end"/>), given g (rows × 2n).</summary>
    public static void Backward(float* x, float* g, float* gx, long n, int first, int end, InstructionSet set)
    {
        for (long r = first; r < end; r++)
        {
            float* input = x + (r * n), gPos = g + (r * 2 * n), gNeg = gPos + n, output = gx + (r * n);
            long j = 0;
            if (set == InstructionSet.Avx512)
            {
                for (; j + 16 <= n; j += 16)
                {
                    var v = Vector512.Load(input + j);
                    var up = Vector512.GreaterThan(v, Vector512<float>.Zero) & Vector512.Load(gPos + j);
                    var down = Vector512.LessThan(v, Vector512<float>.Zero) & Vector512.Load(gNeg + j);
                    (up - down).Store(output + j);
                }
            }

            if (set >= InstructionSet.Avx2)
            {
                for (; j + 8 <= n; j += 8)
                {
                    var v = Vector256.Load(input + j);
                    var up = Vector256.GreaterThan(v, Vector256<float>.Zero) & Vector256.Load(gPos + j);
                    var down = Vector256.LessThan(v, Vector256<float>.Zero) & Vector256.Load(gNeg + j);
                    (up - down).Store(output + j);
                }
            }

            for (; j < n; j++)
            {
                float v = input[j];
                output[j] = (v > 0f ? gPos[j] : 0f) - (v < 0f ? gNeg[j] : 0f);
            }
        }
    }
}
