using static TorchSharp.torch;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// The <c>threads</c> option: how many threads libtorch uses. libtorch's settings are process-wide;
/// the inter-op count can be set only once and only before any parallel work, so it is set on the first
/// call and left as it is afterwards (the returned counts say what is in effect).
/// </summary>
public static class TorchThreads
{
    private static readonly Lock Gate = new();
    private static int? interOpSet;

    /// <summary>Resolves the option's value: 0 means every core the process may use.</summary>
    /// <param name="threads">The option's value: 0, or a positive count.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="threads"/> is negative.</exception>
    public static int Resolve(int threads)
    {
        if (threads < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(threads), threads, $"threads is {threads}; expected 0 (all cores) or a positive count.");
        }

        return threads == 0 ? Environment.ProcessorCount : threads;
    }

    /// <summary>
    /// Sets libtorch's intra-op and (the first time) inter-op thread counts to <paramref name="threads"/>
    /// (0 = <see cref="Environment.ProcessorCount"/>) and returns the counts in effect.
    /// </summary>
    /// <param name="threads">0 for all cores, or a positive count.</param>
    public static TorchThreadCounts Apply(int threads)
    {
        int count = Resolve(threads);
        TorchRuntime.EnsureLoaded();
        lock (Gate)
        {
            set_num_threads(count);
            string? note = null;
            if (interOpSet is null)
            {
                try
                {
                    set_num_interop_threads(count);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    // libtorch refuses once any parallel work has run; the count in effect is reported below.
                    note = "inter-op count was fixed by earlier parallel work";
                }

                interOpSet = count;
            }
            else if (interOpSet != count)
            {
                note = $"inter-op count was set to {interOpSet} earlier in this process and cannot change";
            }

            return new TorchThreadCounts(threads, get_num_threads(), get_num_interop_threads(), note, OpenMpWaitPolicy.InEffect);
        }
    }
}
