namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Tree-structured Parzen estimator (Bergstra et al., 2011), univariate as in Optuna's default: after
/// <c>startupTrials</c> random proposals, the finished trials are split into the best γ(n) = min(⌈0.1 n⌉, 25)
/// and the rest; for each parameter a Parzen density l over the best and g over the rest is fitted on the
/// unit (log) scale (counts for choices), <c>candidates</c> draws from l are scored by l/g and the best one
/// is proposed. Every draw comes from the seed and proposal index, and the history is the stored one, so
/// proposal n is the same on resume.
/// </summary>
public sealed class TpeTuner : ITuner
{
    private readonly ulong _seed;
    private readonly int _startupTrials;
    private readonly int _candidates;

    /// <summary>A TPE tuner.</summary>
    public TpeTuner(ulong seed = 1, int startupTrials = 10, int candidates = 24)
    {
        if (startupTrials < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(startupTrials), startupTrials, "TPE start-up trials must not be negative.");
        }

        if (candidates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(candidates), candidates, "TPE needs at least one candidate per proposal.");
        }

        _seed = seed;
        _startupTrials = startupTrials;
        _candidates = candidates;
    }

    /// <inheritdoc/>
    public string Name => "tpe";

    /// <inheritdoc/>
    public TrialParameters? Propose(SearchSpace space, int proposalIndex, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        // Pruned trials count with their last value: they are evidence of a poor region.
        var observed = history
            .Where(t => t.IsFinished && t.Value is double v && double.IsFinite(v))
            .OrderBy(t => direction.AsLoss(t.Value!.Value)).ThenBy(t => t.Number)
            .ToList();
        if (proposalIndex < _startupTrials || observed.Count < 2)
        {
            return RandomTuner.Sample(space, _seed, proposalIndex);
        }

        int below = Math.Min((int)Math.Ceiling(0.1 * observed.Count), 25);
        var good = observed.Take(below).ToList();
        var bad = observed.Skip(below).ToList();
        var random = new TrialRandom(_seed, proposalIndex, salt: 3);
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        foreach (var parameter in space.Parameters)
        {
            double[] Unit(List<TrialRecord> trials) => trials
                .Where(t => t.Parameters.Has(parameter.Name))
                .Select(t => parameter.ToUnit(t.Parameters.Values[parameter.Name])).ToArray();
            values[parameter.Name] = parameter.Kind == ParameterKind.Choice
                ? ProposeChoice(parameter, Unit(good), Unit(bad), ref random)
                : parameter.FromUnit(ProposeNumber(Unit(good), Unit(bad), ref random));
        }

        return new TrialParameters(values);
    }

    private ParameterValue ProposeChoice(SearchParameter parameter, double[] good, double[] bad, ref TrialRandom random)
    {
        int k = parameter.Choices.Count;
        double[] Weights(double[] units)
        {
            var w = Enumerable.Repeat(1.0, k).ToArray(); // one prior observation per choice
            foreach (var u in units)
            {
                w[Math.Min((int)(u * k), k - 1)] += 1;
            }

            double total = w.Sum();
            return w.Select(x => x / total).ToArray();
        }

        var l = Weights(good);
        var g = Weights(bad);
        int best = 0;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < _candidates; c++)
        {
            double u = random.NextDouble();
            int index = 0;
            for (double cumulative = l[0]; cumulative < u && index < k - 1; cumulative += l[++index])
            {
            }

            double score = Math.Log(l[index]) - Math.Log(g[index]);
            if (score > bestScore)
            {
                (best, bestScore) = (index, score);
            }
        }

        return ParameterValue.OfText(parameter.Choices[best]);
    }

    private double ProposeNumber(double[] good, double[] bad, ref TrialRandom random)
    {
        var l = new ParzenEstimator(good);
        var g = new ParzenEstimator(bad);
        double best = 0.5;
        double bestScore = double.NegativeInfinity;
        for (int c = 0; c < _candidates; c++)
        {
            double x = l.Sample(ref random);
            double score = l.LogDensity(x) - g.LogDensity(x);
            if (score > bestScore)
            {
                (best, bestScore) = (x, score);
            }
        }

        return best;
    }
}
