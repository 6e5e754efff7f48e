using System.Runtime.Intrinsics;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// CReLU followed by a 2x2, stride-2 max-pool over NCHW float planes, pooling first:
/// maxpool(relu(cat(x, -x))) = cat(relu(maxpool(x)), relu(-minpool(x))), exactly. A partial window at an odd
/// edge is dropped (max_pool2d's floor). The backward pass sends each window's gradient to the element
/// max_pool2d would pick: the first maximum (minimum for the negative half) in row-major order.
/// </summary>
internal static unsafe class CReluPoolKernel
{
    /// <summary>
    /// Planes [<paramref name="first"/>, <paramref name="end"/>) of x (planes × h × w, plane = n·C + c) into
    /// y (N × 2C × h/2 × w/2), each plane first mapped by its channel's affine function z = scale·x + shift
    /// (null <paramref name="scale"/>: z = x). The map is applied to each window's extremes, not to its four
    /// inputs: rounding is monotonic, so fl(fl(a·max x) + b) is exactly the maximum of fl(fl(a·x) + b) over the
    /// window when a ≥ 0, and its minimum when a &lt; 0 (then the extremes swap roles).
    /// </summary>
    public static void Forward(float* x, float* y, int channels, int h, int w, int first, int end, float* scale, float* shift, InstructionSet set)
    {
        int ho = h / 2, wo = w / 2;
        float* padTop = stackalloc float[16], padBottom = stackalloc float[16];
        for (int p = first; p < end; p++)
        {
            int n = p / channels, c = p % channels;
            float a = scale == null ? 1f : scale[c], b = scale == null ? 0f : shift[c];
            bool swap = a < 0f;
            float* plane = x + ((long)p * h * w);
            float* pos = y + ((((long)n * 2 * channels) + c) * ho * wo);
            float* neg = pos + ((long)channels * ho * wo);
            for (int i = 0; i < ho; i++)
            {
                float* top = plane + ((long)2 * i * w), bottom = top + w;
                float* outPos = pos + ((long)i * wo), outNeg = neg + ((long)i * wo);
                int j = 0;
                if (set == InstructionSet.Avx512)
                {
                    var va = Vector512.Create(a);
                    var vb = Vector512.Create(b);
                    for (; j + 16 <= wo; j += 16)
                    {
                        var (t0, t1) = Lanes.Split512(top + (2 * j));
                        var (b0, b1) = Lanes.Split512(bottom + (2 * j));
                        var max = Vector512.Max(Vector512.Max(t0, t1), Vector512.Max(b0, b1));
                        var min = Vector512.Min(Vector512.Min(t0, t1), Vector512.Min(b0, b1));
                        var hi = (va * (swap ? min : max)) + vb;
                        var lo = (va * (swap ? max : min)) + vb;
                        Vector512.Max(hi, Vector512<float>.Zero).Store(outPos + j);
                        Vector512.Max(-lo, Vector512<float>.Zero).Store(outNeg + j);
                    }
                }

                if (set >= InstructionSet.Avx2)
                {
                    var va = Vector256.Create(a);
                    var vb = Vector256.Create(b);
                    for (; j < wo; j += 8)
                    {
                        float* t = top + (2 * j), d = bottom + (2 * j);
                        if (j + 8 > wo)
                        {
                            // The row's last windows: model1's rows are 14 and 7 windows wide. Each window's
                            // result depends only on its own inputs, so the tail is either the last 8 windows
                            // again (overlapping ones are rewritten with the same values) or a zero-padded copy.
                            if (wo >= 8)
                            {
                                j = wo - 8;
                                t = top + (2 * j);
                                d = bottom + (2 * j);
                            }
                            else
                            {
                                Pad(t, padTop, 2 * (wo - j));
                                Pad(d, padBottom, 2 * (wo - j));
                                t = padTop;
                                d = padBottom;
                            }
                        }

                        var (t0, t1) = Lanes.Split256(t);
                        var (b0, b1) = Lanes.Split256(d);
                        var max = Vector256.Max(Vector256.Max(t0, t1), Vector256.Max(b0, b1));
                        var min = Vector256.Min(Vector256.Min(t0, t1), Vector256.Min(b0, b1));
                        var hi = Vector256.Max((va * (swap ? min : max)) + vb, Vector256<float>.Zero);
                        var lo = Vector256.Max(-((va * (swap ? max : min)) + vb), Vector256<float>.Zero);
                        if (j + 8 <= wo)
                        {
                            hi.Store(outPos + j);
                            lo.Store(outNeg + j);
                        }
                        else
                        {
                            for (int k = 0; k < wo - j; k++)
                            {
                                outPos[j + k] = hi.GetElement(k);
                                outNeg[j + k] = lo.GetElement(k);
                            }
                        }
                    }
                }

                for (; j < wo; j++)
                {
                    float t0 = top[2 * j], t1 = top[(2 * j) + 1], b0 = bottom[2 * j], b1 = bottom[(2 * j) + 1];
                    float max = MathF.Max(MathF.Max(t0, t1), MathF.Max(b0, b1)), min = MathF.Min(MathF.Min(t0, t1), MathF.Min(b0, b1));
                    float hi = (a * (swap ? min : max)) + b, lo = (a * (swap ? max : min)) + b;
                    outPos[j] = MathF.Max(hi, 0f);
                    outNeg[j] = MathF.Max(-lo, 0f);
                }
            }
        }
    }

    /// <summary>
    /// Gradient with respect to x for planes [<paramref name="first"/>, <paramref name="end"/>), given the
    /// gradient g of y. Writes every element of each window; the rows and columns an odd edge drops are left
    /// as they are (the caller zeroes them).
    /// </summary>
    public static void Backward(float* x, float* g, float* gx, int channels, int h, int w, int first, int end, InstructionSet set)
    {
        for (int p = first; p < end; p++)
        {
            long offset = (long)p * h * w;
            BackwardPlane(x + offset, g, gx + offset, p, channels, h, w, set);
        }
    }

    /// <summary>
    /// The gradient with respect to one plane (plane index <paramref name="p"/> = n·C + c) whose values are at
    /// <paramref name="plane"/>, given the gradient g of the whole output; written to <paramref name="gradient"/>
    /// as <see cref="Backward"/> writes it.
    /// </summary>
    public static void BackwardPlane(float* plane, float* g, float* gradient, int p, int channels, int h, int w, InstructionSet set)
    {
        int ho = h / 2, wo = w / 2;
        int n = p / channels, c = p % channels;
        float* gPos = g + ((((long)n * 2 * channels) + c) * ho * wo);
        float* gNeg = gPos + ((long)channels * ho * wo);
        for (int i = 0; i < ho; i++)
        {
            long row = (long)2 * i * w;
            float* top = plane + row, bottom = top + w;
            float* gTop = gradient + row, gBottom = gTop + w;
            float* rowPos = gPos + ((long)i * wo), rowNeg = gNeg + ((long)i * wo);
            int j = 0;
            if (set == InstructionSet.Avx512)
            {
                for (; j + 16 <= wo; j += 16)
                {
                    Window512(top + (2 * j), bottom + (2 * j), Vector512.Load(rowPos + j), Vector512.Load(rowNeg + j), gTop + (2 * j), gBottom + (2 * j));
                }
            }

            if (set >= InstructionSet.Avx2)
            {
                for (; j + 8 <= wo; j += 8)
                {
                    Window256(top + (2 * j), bottom + (2 * j), Vector256.Load(rowPos + j), Vector256.Load(rowNeg + j), gTop + (2 * j), gBottom + (2 * j));
                }

                if (j < wo)
                {
                    // model1's rows end in 6 and 7 windows: the scalar windows' data-dependent branches cost
                    // more than the rest of the row, so the tail goes through the vector code, as the last 8
                    // windows again (each window's gradient depends only on its own inputs, so the overlap is
                    // rewritten with the same values) or, in a row under 8 windows, on zero-padded copies.
                    if (wo >= 8)
                    {
                        j = wo - 8;
                        Window256(top + (2 * j), bottom + (2 * j), Vector256.Load(rowPos + j), Vector256.Load(rowNeg + j), gTop + (2 * j), gBottom + (2 * j));
                    }
                    else
                    {
                        Tail256(top + (2 * j), bottom + (2 * j), rowPos + j, rowNeg + j, gTop + (2 * j), gBottom + (2 * j), wo - j);
                    }

                    j = wo;
                }
            }

            for (; j < wo; j++)
            {
                WindowScalar(top + (2 * j), bottom + (2 * j), rowPos[j], rowNeg[j], gTop + (2 * j), gBottom + (2 * j));
            }
        }
    }

    // n floats from source, then zeros up to 16.
    private static void Pad(float* source, float* destination, int n)
    {
        new Span<float>(destination, 16).Clear();
        Buffer.MemoryCopy(source, destination, 16 * sizeof(float), n * sizeof(float));
    }

    private static void Tail256(float* top, float* bottom, float* gp, float* gn, float* gTop, float* gBottom, int windows)
    {
        // Each window's result depends only on its own four inputs, so padding lanes (zeros) change nothing
        // in the windows copied back.
        float* inTop = stackalloc float[16], inBottom = stackalloc float[16], outTop = stackalloc float[16], outBottom = stackalloc float[16];
        float* gradPos = stackalloc float[8], gradNeg = stackalloc float[8];
        new Span<float>(inTop, 16).Clear();
        new Span<float>(inBottom, 16).Clear();
        new Span<float>(gradPos, 8).Clear();
        new Span<float>(gradNeg, 8).Clear();
        int n = 2 * windows;
        Buffer.MemoryCopy(top, inTop, 16 * sizeof(float), n * sizeof(float));
        Buffer.MemoryCopy(bottom, inBottom, 16 * sizeof(float), n * sizeof(float));
        Buffer.MemoryCopy(gp, gradPos, 8 * sizeof(float), windows * sizeof(float));
        Buffer.MemoryCopy(gn, gradNeg, 8 * sizeof(float), windows * sizeof(float));
        Window256(inTop, inBottom, Vector256.Load(gradPos), Vector256.Load(gradNeg), outTop, outBottom);
        Buffer.MemoryCopy(outTop, gTop, n * sizeof(float), n * sizeof(float));
        Buffer.MemoryCopy(outBottom, gBottom, n * sizeof(float), n * sizeof(float));
    }

    private static void WindowScalar(float* top, float* bottom, float gp, float gn, float* gTop, float* gBottom)
    {
        // Positions 0..3 in row-major order; strict comparisons keep the first extreme, as max_pool2d does.
        float v0 = top[0], v1 = top[1], v2 = bottom[0], v3 = bottom[1];
        int arg = 0, argMin = 0;
        float max = v0, min = v0;
        if (v1 > max) { max = v1; arg = 1; }
        if (v2 > max) { max = v2; arg = 2; }
        if (v3 > max) { max = v3; arg = 3; }
        if (v1 < min) { min = v1; argMin = 1; }
        if (v2 < min) { min = v2; argMin = 2; }
        if (v3 < min) { min = v3; argMin = 3; }
        float up = max > 0f ? gp : 0f, down = min < 0f ? gn : 0f;
        gTop[0] = (arg == 0 ? up : 0f) - (argMin == 0 ? down : 0f);
        gTop[1] = (arg == 1 ? up : 0f) - (argMin == 1 ? down : 0f);
        gBottom[0] = (arg == 2 ? up : 0f) - (argMin == 2 ? down : 0f);
        gBottom[1] = (arg == 3 ? up : 0f) - (argMin == 3 ? down : 0f);
    }

    private static void Window512(float* top, float* bottom, Vector512<float> gp, Vector512<float> gn, float* gTop, float* gBottom)
    {
        var (t0, t1) = Lanes.Split512(top);
        var (b0, b1) = Lanes.Split512(bottom);
        var zero = Vector512<float>.Zero;

        // Row-major first maximum: right only if strictly greater within a row, bottom only if strictly greater than top.
        var topRight = Vector512.GreaterThan(t1, t0);
        var bottomRight = Vector512.GreaterThan(b1, b0);
        var topMax = Vector512.ConditionalSelect(topRight, t1, t0);
        var bottomMax = Vector512.ConditionalSelect(bottomRight, b1, b0);
        var down = Vector512.GreaterThan(bottomMax, topMax);
        var gMax = Vector512.ConditionalSelect(Vector512.GreaterThan(Vector512.ConditionalSelect(down, bottomMax, topMax), zero), gp, zero);

        var topLeftMin = Vector512.LessThan(t1, t0);
        var bottomLeftMin = Vector512.LessThan(b1, b0);
        var topMin = Vector512.ConditionalSelect(topLeftMin, t1, t0);
        var bottomMin = Vector512.ConditionalSelect(bottomLeftMin, b1, b0);
        var downMin = Vector512.LessThan(bottomMin, topMin);
        var gMin = Vector512.ConditionalSelect(Vector512.LessThan(Vector512.ConditionalSelect(downMin, bottomMin, topMin), zero), gn, zero);

        var gTopMax = Vector512.AndNot(gMax, down);
        var gBottomMax = gMax & down;
        var gTopMin = Vector512.AndNot(gMin, downMin);
        var gBottomMin = gMin & downMin;
        Lanes.Join512(
            Vector512.AndNot(gTopMax, topRight) - Vector512.AndNot(gTopMin, topLeftMin),
            (gTopMax & topRight) - (gTopMin & topLeftMin),
            gTop);
        Lanes.Join512(
            Vector512.AndNot(gBottomMax, bottomRight) - Vector512.AndNot(gBottomMin, bottomLeftMin),
            (gBottomMax & bottomRight) - (gBottomMin & bottomLeftMin),
            gBottom);
    }

    private static void Window256(float* top, float* bottom, Vector256<float> gp, Vector256<float> gn, float* gTop, float* gBottom)
    {
        var (t0, t1) = Lanes.Split256(top);
        var (b0, b1) = Lanes.Split256(bottom);
        var zero = Vector256<float>.Zero;

        var topRight = Vector256.GreaterThan(t1, t0);
        var bottomRight = Vector256.GreaterThan(b1, b0);
        var topMax = Vector256.ConditionalSelect(topRight, t1, t0);
        var bottomMax = Vector256.ConditionalSelect(bottomRight, b1, b0);
        var down = Vector256.GreaterThan(bottomMax, topMax);
        var gMax = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.ConditionalSelect(down, bottomMax, topMax), zero), gp, zero);

        var topLeftMin = Vector256.LessThan(t1, t0);
        var bottomLeftMin = Vector256.LessThan(b1, b0);
        var topMin = Vector256.ConditionalSelect(topLeftMin, t1, t0);
        var bottomMin = Vector256.ConditionalSelect(bottomLeftMin, b1, b0);
        var downMin = Vector256.LessThan(bottomMin, topMin);
        var gMin = Vector256.ConditionalSelect(Vector256.LessThan(Vector256.ConditionalSelect(downMin, bottomMin, topMin), zero), gn, zero);

        var gTopMax = Vector256.AndNot(gMax, down);
        var gBottomMax = gMax & down;
        var gTopMin = Vector256.AndNot(gMin, downMin);
        var gBottomMin = gMin & downMin;
        Lanes.Join256(
            Vector256.AndNot(gTopMax, topRight) - Vector256.AndNot(gTopMin, topLeftMin),
            (gTopMax & topRight) - (gTopMin & topLeftMin),
            gTop);
        Lanes.Join256(
            Vector256.AndNot(gBottomMax, bottomRight) - Vector256.AndNot(gBottomMin, bottomLeftMin),
            (gBottomMax & bottomRight) - (gBottomMin & bottomLeftMin),
            gBottom);
    }
}
