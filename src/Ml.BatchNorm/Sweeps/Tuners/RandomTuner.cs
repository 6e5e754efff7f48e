namespace Ml.BatchNorm.Sweeps;

/// <summary>Draws every parameter uniformly on its (log) scale; proposal n depends only on the seed and n.</summary>
public sealed class RandomTuner : ITuner
{
    private readonly ulong _seed;

    /// <summary>A random tuner with a seed.</summary>
    public RandomTuner(ulong seed = 1) => _seed = seed;

    /// <inheritdoc/>
    public string Name => "random";

    /// <inheritdoc/>
    public TrialParameters? Propose(SearchSpace space, int proposalIndex, IReadOnlyList<TrialRecord> history, StudyDirection direction) =>
        Sample(space, _seed, proposalIndex);

    /// <summary>The random proposal for a seed and index (TPE's start-up trials too).</summary>
    internal static TrialParameters Sample(SearchSpace space, ulong seed, int proposalIndex)
    {
        var random = new TrialRandom(seed, proposalIndex);
        return new TrialParameters(space.Parameters.ToDictionary(p => p.Name, p => p.FromUnit(random.NextDouble())));
    }
}
