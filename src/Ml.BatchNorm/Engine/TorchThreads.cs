using TorchSharp;

namespace Ml.BatchNorm.Engine;

/// <summary>libtorch's intra-op thread count for training (process-wide in libtorch); 0 means all cores.</summary>
internal static class TorchThreads
{
    public static void Apply(int threads)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(threads);
        int count = threads == 0 ? Environment.ProcessorCount : threads;
        if (torch.get_num_threads() != count)
        {
            torch.set_num_threads(count);
        }
    }
}
