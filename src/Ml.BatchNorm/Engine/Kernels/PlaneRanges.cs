using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Runs a kernel over [0, count) in one contiguous range per thread libtorch may use (the <c>threads</c> option,
/// so that a one-thread run stays on one core), on libtorch's own OpenMP threads where it can
/// (<see cref="OpenMpTeam"/>), or inline when the work is too small for a thread hand-off to pay (a few
/// microseconds against a few thousand floats).
/// </summary>
internal static class PlaneRanges
{
    private const long InlineElements = 1 << 15;

    public static void Run(int count, long elementsEach, Action<int, int> body)
    {
        int parts = (int)Math.Min(count, Math.Min(TorchSharp.torch.get_num_threads(), Environment.ProcessorCount));
        if (parts <= 1 || count * elementsEach < InlineElements)
        {
            body(0, count);
            return;
        }

        void Range(int k) => body((int)((long)count * k / parts), (int)((long)count * (k + 1) / parts));
        if (OpenMpTeam.Available)
        {
            OpenMpTeam.Run(parts, Range);
        }
        else
        {
            Parallel.For(0, parts, Range);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> as <see cref="Run"/> does, each range adding into two arrays of its own
    /// (<paramref name="width"/> doubles each), and returns their sums taken in range order, so that the result
    /// does not depend on which thread finished first.
    /// </summary>
    public static (double[] First, double[] Second) Sums(int count, long elementsEach, int width, Action<int, int, double[], double[]> body)
    {
        var parts = new List<(int Start, double[] First, double[] Second)>();
        Run(count, elementsEach, (first, end) =>
        {
            var a = new double[width];
            var b = new double[width];
            body(first, end, a, b);
            lock (parts)
            {
                parts.Add((first, a, b));
            }
        });

        parts.Sort((x, y) => x.Start.CompareTo(y.Start));
        var sumA = new double[width];
        var sumB = new double[width];
        foreach (var (_, a, b) in parts)
        {
            for (int k = 0; k < width; k++)
            {
                sumA[k] += a[k];
                sumB[k] += b[k];
            }
        }

        return (sumA, sumB);
    }
}
