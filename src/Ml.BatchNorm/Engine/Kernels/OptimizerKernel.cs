using System.Runtime.Intrinsics;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Single-pass optimizer updates over a parameter's memory and its state: each element is read and written
/// once, where the plain path runs five to eight tensor operators, each a pass over memory. The formulas are
/// the plain path's (torch.optim's, weight decay added to the gradient first), in float32.
/// </summary>
internal static unsafe class OptimizerKernel
{
    private const int Block = 1 << 14;

    /// <summary>
    /// Adam: m ← m + (1-β1)(g - m); v ← β2·v + (1-β2)g²; p ← p - (lr/bc1)·m / (√v/√bc2 + ε). The weights
    /// 1-β come from the caller, rounded once from float64 as the plain path's scalars are.
    /// </summary>
    public static void Adam(nint p, nint g, nint m, nint v, long count, float decay, float oneMinusBeta1, float beta2, float oneMinusBeta2, float step, float inverseRootBc2, float epsilon, InstructionSet set)
    {
        Blocks(count, (start, end) =>
        {
            float* pp = (float*)p, gp = (float*)g, mp = (float*)m, vp = (float*)v;
            float w1 = oneMinusBeta1, w2 = oneMinusBeta2;
            long i = start;
            if (set == InstructionSet.Avx512)
            {
                for (; i + 16 <= end; i += 16)
                {
                    var pv = Vector512.Load(pp + i);
                    var gv = Vector512.Load(gp + i) + (pv * decay);
                    var mv = Vector512.Load(mp + i);
                    mv += (gv - mv) * w1;
                    var vv = (Vector512.Load(vp + i) * beta2) + (gv * gv * w2);
                    mv.Store(mp + i);
                    vv.Store(vp + i);
                    (pv - (mv / ((Vector512.Sqrt(vv) * inverseRootBc2) + Vector512.Create(epsilon)) * step)).Store(pp + i);
                }
            }

            if (set >= InstructionSet.Avx2)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var pv = Vector256.Load(pp + i);
                    var gv = Vector256.Load(gp + i) + (pv * decay);
                    var mv = Vector256.Load(mp + i);
                    mv += (gv - mv) * w1;
                    var vv = (Vector256.Load(vp + i) * beta2) + (gv * gv * w2);
                    mv.Store(mp + i);
                    vv.Store(vp + i);
                    (pv - (mv / ((Vector256.Sqrt(vv) * inverseRootBc2) + Vector256.Create(epsilon)) * step)).Store(pp + i);
                }
            }

            for (; i < end; i++)
            {
                float gi = gp[i] + (pp[i] * decay);
                float mi = mp[i] + ((gi - mp[i]) * w1);
                float vi = (vp[i] * beta2) + (gi * gi * w2);
                mp[i] = mi;
                vp[i] = vi;
                pp[i] -= mi / ((MathF.Sqrt(vi) * inverseRootBc2) + epsilon) * step;
            }
        });
    }

    /// <summary>Adagrad: s ← s + g²; p ← p - lr·g / (√s + ε).</summary>
    public static void Adagrad(nint p, nint g, nint sum, long count, float decay, float learningRate, float epsilon, InstructionSet set)
    {
        Blocks(count, (start, end) =>
        {
            float* pp = (float*)p, gp = (float*)g, sp = (float*)sum;
            long i = start;
            if (set == InstructionSet.Avx512)
            {
                for (; i + 16 <= end; i += 16)
                {
                    var pv = Vector512.Load(pp + i);
                    var gv = Vector512.Load(gp + i) + (pv * decay);
                    var sv = Vector512.Load(sp + i) + (gv * gv);
                    sv.Store(sp + i);
                    (pv - (gv / (Vector512.Sqrt(sv) + Vector512.Create(epsilon)) * learningRate)).Store(pp + i);
                }
            }

            if (set >= InstructionSet.Avx2)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var pv = Vector256.Load(pp + i);
                    var gv = Vector256.Load(gp + i) + (pv * decay);
                    var sv = Vector256.Load(sp + i) + (gv * gv);
                    sv.Store(sp + i);
                    (pv - (gv / (Vector256.Sqrt(sv) + Vector256.Create(epsilon)) * learningRate)).Store(pp + i);
                }
            }

            for (; i < end; i++)
            {
                float gi = gp[i] + (pp[i] * decay);
                float si = sp[i] + (gi * gi);
                sp[i] = si;
                pp[i] -= gi / (MathF.Sqrt(si) + epsilon) * learningRate;
            }
        });
    }

    /// <summary>SGD: with momentum b ← μ·b + g and the step b (Nesterov: g + μ·b); p ← p - lr·step. <paramref name="buffer"/> 0 = no momentum.</summary>
    public static void Sgd(nint p, nint g, nint buffer, long count, float decay, float learningRate, float momentum, bool nesterov, InstructionSet set)
    {
        Blocks(count, (start, end) =>
        {
            float* pp = (float*)p, gp = (float*)g, bp = (float*)buffer;
            bool hasBuffer = buffer != 0;
            float mu = hasBuffer ? momentum : 0f, keep = nesterov ? momentum : 0f;
            long i = start;
            if (set == InstructionSet.Avx512 && hasBuffer)
            {
                for (; i + 16 <= end; i += 16)
                {
                    var pv = Vector512.Load(pp + i);
                    var gv = Vector512.Load(gp + i) + (pv * decay);
                    var bv = (Vector512.Load(bp + i) * mu) + gv;
                    bv.Store(bp + i);
                    var d = nesterov ? gv + (bv * keep) : bv;
                    (pv - (d * learningRate)).Store(pp + i);
                }
            }

            if (set >= InstructionSet.Avx2 && hasBuffer)
            {
                for (; i + 8 <= end; i += 8)
                {
                    var pv = Vector256.Load(pp + i);
                    var gv = Vector256.Load(gp + i) + (pv * decay);
                    var bv = (Vector256.Load(bp + i) * mu) + gv;
                    bv.Store(bp + i);
                    var d = nesterov ? gv + (bv * keep) : bv;
                    (pv - (d * learningRate)).Store(pp + i);
                }
            }

            for (; i < end; i++)
            {
                float gi = gp[i] + (pp[i] * decay);
                float d = gi;
                if (hasBuffer)
                {
                    float bi = (bp[i] * mu) + gi;
                    bp[i] = bi;
                    d = nesterov ? gi + (bi * keep) : bi;
                }

                pp[i] -= d * learningRate;
            }
        });
    }

    private static void Blocks(long count, Action<long, long> body)
    {
        int blocks = (int)((count + Block - 1) / Block);
        PlaneRanges.Run(blocks, Block, (first, end) => body((long)first * Block, Math.Min((long)end * Block, count)));
    }
}
