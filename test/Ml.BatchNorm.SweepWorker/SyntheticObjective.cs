using System.Globalization;
using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.SweepWorker;

/// <summary>
/// A cheap deterministic objective shaped like training: per epoch it sleeps, writes a checkpoint
/// (the epoch reached), and reports a value rising towards a final value that depends on the parameters.
/// A retried or resumed trial starts after the epoch in its checkpoint.
/// </summary>
public sealed class SyntheticObjective : ITrialObjective
{
    private readonly TimeSpan _epochTime;

    public SyntheticObjective(TimeSpan epochTime) => _epochTime = epochTime;

    /// <summary>The final value of a parameter set: every number and choice index contributes.</summary>
    public static double FinalValue(TrialParameters parameters)
    {
        double value = 1;
        foreach (var (name, v) in parameters.Values)
        {
            double x = v.Text is null ? v.Number : (v.Text.GetHashCode(StringComparison.Ordinal) & 0xFFFF) / 65536.0;
            double scaled = name.Contains("log", StringComparison.Ordinal) ? Math.Log10(x) : x;
            value -= 0.1 * (scaled - 0.3) * (scaled - 0.3);
        }

        return value;
    }

    /// <summary>The value reported at an epoch out of a total.</summary>
    public static double ValueAt(TrialParameters parameters, int epoch, int epochs) =>
        FinalValue(parameters) - (0.5 * Math.Pow(0.5, epoch)) + (0.5 * Math.Pow(0.5, epochs));

    public async Task<double> RunAsync(TrialContext context)
    {
        string checkpoint = Path.Combine(context.CheckpointFolder, "epoch.txt");
        int start = File.Exists(checkpoint) ? int.Parse(File.ReadAllText(checkpoint), CultureInfo.InvariantCulture) : 0;
        for (int epoch = start + 1; epoch <= context.MaxEpochs; epoch++)
        {
            await Task.Delay(_epochTime, context.CancellationToken).ConfigureAwait(false);
            string temporary = checkpoint + ".tmp";
            await File.WriteAllTextAsync(temporary, epoch.ToString(CultureInfo.InvariantCulture), CancellationToken.None).ConfigureAwait(false);
            File.Move(temporary, checkpoint, overwrite: true);
            await context.ReportAsync(epoch, ValueAt(context.Parameters, epoch, context.MaxEpochs)).ConfigureAwait(false);
        }

        return ValueAt(context.Parameters, context.MaxEpochs, context.MaxEpochs);
    }
}
