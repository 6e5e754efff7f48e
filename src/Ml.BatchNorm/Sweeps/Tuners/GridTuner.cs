namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Every point of <see cref="SearchSpace.Grid"/> (all choices, small integer ranges whole; real ranges at <c>pointsPerRealRange</c>
/// evenly spaced points on their scale), in an order shuffled by the seed so that a budget smaller than
/// the grid still spreads over it. Proposal n is the n-th grid point; the store hands out each index once,
/// so parallel workers never run a point twice, and the grid ends after its last point.
/// </summary>
public sealed class GridTuner : ITuner
{
    private readonly ulong _seed;
    private readonly int _pointsPerRealRange;
    private (string Description, IReadOnlyList<TrialParameters> Points)? _cache;

    /// <summary>A grid tuner.</summary>
    public GridTuner(ulong seed = 1, int pointsPerRealRange = 3)
    {
        if (pointsPerRealRange < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(pointsPerRealRange), pointsPerRealRange, "A grid needs at least one point per real range.");
        }

        _seed = seed;
        _pointsPerRealRange = pointsPerRealRange;
    }

    /// <inheritdoc/>
    public string Name => "grid";

    /// <summary>The grid's points in proposal order.</summary>
    public IReadOnlyList<TrialParameters> Points(SearchSpace space)
    {
        string description = space.Describe();
        if (_cache is { } cache && cache.Description == description)
        {
            return cache.Points;
        }

        var points = space.Grid(_pointsPerRealRange).ToArray();
        var random = new TrialRandom(_seed, 0, salt: 7);
        for (int i = points.Length - 1; i > 0; i--)
        {
            int j = random.NextInt(i + 1);
            (points[i], points[j]) = (points[j], points[i]);
        }

        _cache = (description, points);
        return points;
    }

    /// <inheritdoc/>
    public TrialParameters? Propose(SearchSpace space, int proposalIndex, IReadOnlyList<TrialRecord> history, StudyDirection direction)
    {
        var points = Points(space);
        return proposalIndex < points.Count ? points[proposalIndex] : null;
    }
}
