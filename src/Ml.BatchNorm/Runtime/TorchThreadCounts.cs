namespace Ml.BatchNorm.Runtime;

/// <summary>The thread counts libtorch uses, as read back after <see cref="TorchThreads.Apply"/>.</summary>
/// <param name="Requested">The requested count as given (0 = all cores).</param>
/// <param name="IntraOp">Threads inside one operation (<c>torch.get_num_threads</c>).</param>
/// <param name="InterOp">Threads running independent operations (<c>torch.get_num_interop_threads</c>).</param>
/// <param name="Note">Why the inter-op count differs from the request, or null.</param>
/// <param name="WaitPolicy">The OpenMP wait setting in effect (<see cref="OpenMpWaitPolicy.InEffect"/>), or null.</param>
public sealed record TorchThreadCounts(int Requested, int IntraOp, int InterOp, string? Note, string? WaitPolicy = null)
{
    /// <summary>One line for the console, e.g. <c>threads: 2 intra-op, 2 inter-op, GOMP_SPINCOUNT=1000 (set by Ml.BatchNorm)</c>.</summary>
    public override string ToString() =>
        $"threads: {IntraOp} intra-op, {InterOp} inter-op" + (Note is null ? "" : $" ({Note})") + (WaitPolicy is null ? "" : $", {WaitPolicy}");
}
