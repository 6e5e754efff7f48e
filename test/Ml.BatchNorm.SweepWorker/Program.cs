using System.Globalization;
using Ml.BatchNorm.Sweeps;
using Ml.BatchNorm.SweepWorker;

// Usage: STORAGE STUDY SPACE TUNER BUDGET EPOCHS EPOCH_MS HEARTBEAT_MS STALE_MS CHECKPOINTS [WORKERS]
//   SPACE: "grid3x4" (two choices, 3 x 4) or "mixed" (log float, int, choice); BUDGET: -1 for none.
// Prints "claimed N" for every trial this process starts; exit 0 when the sweep ends normally.
if (args.Length < 10)
{
    Console.Error.WriteLine("usage: STORAGE STUDY SPACE TUNER BUDGET EPOCHS EPOCH_MS HEARTBEAT_MS STALE_MS CHECKPOINTS [WORKERS]");
    return 2;
}

int Int(int i) => int.Parse(args[i], CultureInfo.InvariantCulture);
var space = args[2] switch
{
    "grid3x4" => new SearchSpace().Choice("a", "a0", "a1", "a2").Choice("b", "b0", "b1", "b2", "b3"),
    "mixed" => new SearchSpace().Float("x_log", 1e-4, 1, log: true).Int("n", 1, 8).Choice("c", "p", "q", "r"),
    var other => throw new ArgumentException($"unknown space {other}"),
};
ITuner tuner = args[3] switch
{
    "grid" => new GridTuner(seed: 5),
    "tpe" => new TpeTuner(seed: 5, startupTrials: 3),
    _ => new RandomTuner(seed: 5),
};
var experiment = new SweepExperiment()
    .SetStorage(args[0])
    .SetStudyName(args[1])
    .SetSearchSpace(space)
    .SetTuner(tuner)
    .SetMaxEpochs(Int(5))
    .SetObjective(new SyntheticObjective(TimeSpan.FromMilliseconds(Int(6))))
    .SetHeartbeat(TimeSpan.FromMilliseconds(Int(7)), TimeSpan.FromMilliseconds(Int(8)))
    .SetCheckpointFolder(args[9])
    .SetParallelWorkers(args.Length > 10 ? Int(10) : 1)
    .SetObserver(new ClaimPrinter());
if (Int(4) >= 0)
{
    experiment.SetTrialBudget(Int(4));
}

var result = await experiment.RunAsync();
Console.WriteLine($"done: {result.StopReason}");
return 0;

/// <summary>Prints each trial this process starts, for the tests' no-double-claim check.</summary>
internal sealed class ClaimPrinter : ISweepObserver
{
    public void TrialStarted(TrialRecord trial)
    {
        lock (this)
        {
            Console.WriteLine($"claimed {trial.Number}");
            Console.Out.Flush();
        }
    }
}
