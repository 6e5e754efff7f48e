namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Runs a kernel over [0, count) in one contiguous range per thread libtorch may use (the <c>threads</c> option,
/// so that a one-thread run stays on one core), or inline when the work is too small for a thread hand-off to
/// pay (a few microseconds against a few thousand floats).
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

        Parallel.For(0, parts, k => body((int)((long)count * k / parts), (int)((long)count * (k + 1) / parts)));
    }
}
