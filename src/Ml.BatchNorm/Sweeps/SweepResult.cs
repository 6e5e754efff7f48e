namespace Ml.BatchNorm.Sweeps;

/// <summary>What <see cref="SweepExperiment.RunAsync"/> returns: the study, all its trials (from every worker) and the best one.</summary>
public sealed record SweepResult(StudyInfo Study, IReadOnlyList<TrialRecord> Trials, TrialRecord? Best, string StopReason)
{
    /// <summary>The best complete trial of a list in a direction (lowest number on ties); null when none completed.</summary>
    public static TrialRecord? BestOf(IEnumerable<TrialRecord> trials, StudyDirection direction) => trials
        .Where(t => t.State == TrialState.Complete && t.Value is double v && !double.IsNaN(v))
        .OrderBy(t => direction.AsLoss(t.Value!.Value)).ThenBy(t => t.Number)
        .FirstOrDefault();

    /// <summary>"trials: C complete, P pruned, F failed, R running" (queued trials count as running).</summary>
    public static string Summary(IReadOnlyList<TrialRecord> trials) =>
        $"trials: {trials.Count(t => t.State == TrialState.Complete)} complete, {trials.Count(t => t.State == TrialState.Pruned)} pruned, " +
        $"{trials.Count(t => t.State == TrialState.Failed)} failed, {trials.Count(t => t.State is TrialState.Running or TrialState.Queued)} running";
}
