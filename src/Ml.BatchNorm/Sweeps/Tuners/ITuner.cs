namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// Proposes trial parameters. A tuner is a deterministic function of its seed, the proposal index and the
/// stored history, so a resumed study proposes what an uninterrupted one would have, and any worker may
/// make the next proposal.
/// </summary>
public interface ITuner
{
    /// <summary>A name for messages and the command line ("random", "grid", "tpe").</summary>
    string Name { get; }

    /// <summary>The parameters of proposal <paramref name="proposalIndex"/>, or null when the tuner has nothing left.</summary>
    TrialParameters? Propose(SearchSpace space, int proposalIndex, IReadOnlyList<TrialRecord> history, StudyDirection direction);
}
