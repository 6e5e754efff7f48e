using System.Globalization;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// Compares the moving averages' horizon with the length of training. An exponential moving average
/// with decay d weighs a value k steps old by d^k = exp(-k / h) with horizon h = 1/(1 - d), so the
/// initial statistics (mean 0, variance 1) still weigh d^n after n steps. The seed's point: decay 0.999
/// (h = 1000) needs about 1000 steps to warm up, too slow for a short MNIST run; 0.95 (h = 20) is not.
/// </summary>
public static class BatchNormHorizon
{
    /// <summary>
    /// Warn when the horizon exceeds the planned steps divided by this. After five horizons the initial
    /// values weigh e^-5, under 1%; a shorter run ends with statistics that still remember their start.
    /// </summary>
    public const double StepsPerHorizon = 5;

    /// <summary>The horizon 1/(1 - decay) in steps.</summary>
    public static double Horizon(double decay) => 1 / (1 - decay);

    /// <summary>One finding per distinct decay whose horizon is too long for <paramref name="plannedSteps"/>; empty otherwise.</summary>
    public static IReadOnlyList<BatchNormFinding> Check(NetworkSpec spec, long plannedSteps)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(plannedSteps);
        var findings = new List<BatchNormFinding>();
        var seen = new HashSet<double>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            // Warm-up and cumulative averages carry no start-up bias, so a long horizon costs them nothing.
            if (spec.Layers[i] is not BatchNormLayer bn || bn.Options.MovingStatistics != MovingStatistics.ExponentialAverage || !seen.Add(bn.Options.MovingAverageDecay))
            {
                continue;
            }

            double decay = bn.Options.MovingAverageDecay;
            double horizon = Horizon(decay);
            if (horizon * StepsPerHorizon <= plannedSteps)
            {
                continue;
            }

            double remaining = Math.Pow(decay, plannedSteps);
            findings.Add(new BatchNormFinding(
                DiagnosticCodes.LongAveragingHorizon,
                DiagnosticSeverity.Warning,
                string.Create(CultureInfo.InvariantCulture,
                    $"decay {decay:0.#####} averages over about {horizon:0} steps (1/(1 - decay)) and needs about {horizon * StepsPerHorizon:0} to warm up, but training plans {plannedSteps} steps: at the end the initial moving statistics (mean 0, variance 1) still weigh {remaining:P1}."),
                Suggestion(plannedSteps),
                i));
        }

        return findings;
    }

    private static string Suggestion(long plannedSteps)
    {
        double decay = 1 - (StepsPerHorizon / plannedSteps);
        string lower = decay >= 0.5
            ? string.Create(CultureInfo.InvariantCulture, $"Lower the decay to at most {decay:0.###} (the seed uses 0.95 for MNIST), ")
            : "Use MovingStatistics.ExponentialAverageWithWarmUp or CumulativeAverage (a run this short leaves no decay a horizon to average over), ";
        return lower + "train longer, or recalibrate the statistics from data after training (mlbn recalibrate).";
    }
}
