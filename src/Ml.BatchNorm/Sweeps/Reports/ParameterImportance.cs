namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// How much of the spread of the objective over a study's complete trials each parameter accounts for, one
/// parameter at a time. The trials are grouped by the parameter's value: a choice by its value, a range into
/// <see cref="Bins"/> quantile bins (equal trial counts, so a log scale and a linear one bin alike; a range with
/// that many distinct values or fewer by value), trials without the parameter in a group of their own. The
/// parameter's <see cref="ExplainedVariance"/> is the correlation ratio η² = between-group sum of squares /
/// total sum of squares: the fraction of the value's variance that the per-group means explain. The
/// <see cref="Importance"/> is η² divided by the sum over parameters, so the importances add up to 1.
/// </summary>
/// <remarks>
/// A ranking, not a decomposition: parameters that interact are not separated, and with few trials η² is
/// biased upward by chance (about (groups - 1) / (trials - 1) for a parameter that does nothing), so a noise
/// parameter keeps some importance. It needs no model fit, so it says something after a dozen trials.
/// </remarks>
/// <param name="Name">The parameter's name.</param>
/// <param name="ExplainedVariance">η² in [0, 1]; 0 when fewer than two complete trials differ in value.</param>
/// <param name="Importance">η² normalized over the parameters (sums to 1; all 0 when every η² is 0).</param>
public sealed record ParameterImportance(string Name, double ExplainedVariance, double Importance)
{
    /// <summary>The most quantile bins of a range: about √(complete trials), between 2 and this.</summary>
    public const int MaxBins = 5;

    /// <summary>The bins a range is cut into for <paramref name="completeTrials"/> trials: round(√n) clamped to [2, <see cref="MaxBins"/>].</summary>
    public static int Bins(int completeTrials) => Math.Clamp((int)Math.Round(Math.Sqrt(completeTrials)), 2, MaxBins);

    /// <summary>Every parameter of <paramref name="space"/>, most important first (ties in space order).</summary>
    public static IReadOnlyList<ParameterImportance> Compute(IReadOnlyList<TrialRecord> trials, SearchSpace space)
    {
        ArgumentNullException.ThrowIfNull(trials);
        ArgumentNullException.ThrowIfNull(space);
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is double v && double.IsFinite(v)).ToList();
        var values = complete.Select(t => t.Value!.Value).ToArray();
        double mean = values.Length == 0 ? 0 : values.Average();
        double total = values.Sum(v => (v - mean) * (v - mean));
        var explained = space.Parameters
            .Select(p => total > 0 ? BetweenGroups(Groups(p, complete), values, mean) / total : 0)
            .Select(e => Math.Clamp(e, 0, 1))
            .ToArray();
        double sum = explained.Sum();
        return space.Parameters
            .Select((p, i) => new ParameterImportance(p.Name, explained[i], sum > 0 ? explained[i] / sum : 0))
            .Select((entry, i) => (entry, i))
            .OrderByDescending(x => x.entry.Importance).ThenBy(x => x.i)
            .Select(x => x.entry)
            .ToList();
    }

    private static double BetweenGroups(int[] groups, double[] values, double mean) =>
        groups.Select((g, i) => (g, v: values[i])).GroupBy(x => x.g)
            .Sum(group => group.Count() * Math.Pow(group.Average(x => x.v) - mean, 2));

    /// <summary>Each trial's group for one parameter: -1 when the trial lacks it.</summary>
    private static int[] Groups(SearchParameter parameter, IReadOnlyList<TrialRecord> trials)
    {
        var groups = new int[trials.Count];
        var present = Enumerable.Range(0, trials.Count).Where(i => trials[i].Parameters.Has(parameter.Name)).ToList();
        foreach (int i in Enumerable.Range(0, trials.Count).Except(present))
        {
            groups[i] = -1;
        }

        if (parameter.Kind == ParameterKind.Choice)
        {
            var choices = parameter.Choices.ToList();
            foreach (int i in present)
            {
                string text = trials[i].Parameters.Values[parameter.Name].ToString();
                groups[i] = choices.IndexOf(text) is int index and >= 0 ? index : choices.Count;
            }

            return groups;
        }

        // Ranks into equal-count bins; equal values share the bin of the first of them, so a bin edge never splits a value.
        var ordered = present.OrderBy(i => trials[i].Parameters.Values[parameter.Name].Number).ToList();
        int distinct = ordered.Select(i => trials[i].Parameters.Values[parameter.Name].Number).Distinct().Count();
        int bins = Bins(trials.Count);
        double? previous = null;
        int bin = -1;
        for (int rank = 0; rank < ordered.Count; rank++)
        {
            double number = trials[ordered[rank]].Parameters.Values[parameter.Name].Number;
            if (number != previous)
            {
                bin = distinct <= bins ? bin + 1 : rank * bins / ordered.Count;
                previous = number;
            }

            groups[ordered[rank]] = bin;
        }

        return groups;
    }
}
