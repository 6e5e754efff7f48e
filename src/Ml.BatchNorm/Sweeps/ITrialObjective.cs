namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// What a trial runs: trains with the trial's parameters, reports an intermediate value after each epoch
/// through <see cref="TrialContext.Report"/> (which throws <see cref="TrialPrunedException"/> when the
/// pruner stops the trial), saves checkpoints in <see cref="TrialContext.CheckpointFolder"/> so that a
/// retried or resumed trial continues from its last epoch, honours the cancellation token, and returns
/// the final metric value.
/// </summary>
public interface ITrialObjective
{
    /// <summary>Runs one trial and returns its final metric value.</summary>
    Task<double> RunAsync(TrialContext context);
}

/// <summary>An objective from a delegate (tests, quick experiments).</summary>
public sealed class DelegateObjective : ITrialObjective
{
    private readonly Func<TrialContext, Task<double>> _run;

    /// <summary>Wraps an asynchronous function.</summary>
    public DelegateObjective(Func<TrialContext, Task<double>> run) => _run = run;

    /// <summary>Wraps a synchronous function (run on the thread pool).</summary>
    public DelegateObjective(Func<TrialContext, double> run) => _run = context => Task.Run(() => run(context), context.CancellationToken);

    /// <inheritdoc/>
    public Task<double> RunAsync(TrialContext context) => _run(context);
}
