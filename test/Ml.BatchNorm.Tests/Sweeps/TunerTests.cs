using Ml.BatchNorm.Sweeps;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class TunerTests
{
    private static readonly SearchSpace Space = new SearchSpace().Float("x", -1, 1).Float("lr", 1e-4, 1, log: true).Choice("c", "p", "q", "r");

    [TestMethod]
    public void RandomProposalDependsOnlyOnSeedAndIndex()
    {
        var a = new RandomTuner(3);
        var b = new RandomTuner(3);
        var c = new RandomTuner(4);
        for (int i = 0; i < 20; i++)
        {
            string key = a.Propose(Space, i, [], StudyDirection.Maximize)!.Key();
            Assert.AreEqual(key, b.Propose(Space, i, [], StudyDirection.Maximize)!.Key());
            Assert.AreNotEqual(key, c.Propose(Space, i, [], StudyDirection.Maximize)!.Key());
            Assert.AreNotEqual(key, a.Propose(Space, i + 1, [], StudyDirection.Maximize)!.Key());
        }
    }

    [TestMethod]
    public void GridVisitsEveryPointOnceThenEnds()
    {
        var space = new SearchSpace().Choice("a", "0", "1", "2").Int("b", 1, 4);
        var tuner = new GridTuner(seed: 2);
        var keys = Enumerable.Range(0, 12).Select(i => tuner.Propose(space, i, [], StudyDirection.Maximize)!.Key()).ToList();
        Assert.HasCount(12, keys.Distinct().ToList());
        Assert.IsNull(tuner.Propose(space, 12, [], StudyDirection.Maximize));
    }

    [TestMethod]
    public void TpeConcentratesNearTheOptimumAndIsDeterministic()
    {
        // Objective: maximize -(x - 0.5)^2 - (log10 lr + 2)^2 + (c == q); optimum x = 0.5, lr = 0.01, c = q.
        static double F(TrialParameters p) =>
            -Math.Pow(p.GetDouble("x") - 0.5, 2) - Math.Pow(Math.Log10(p.GetDouble("lr")) + 2, 2) + (p.GetString("c") == "q" ? 1 : 0);
        List<TrialRecord> Run(ITuner tuner)
        {
            var history = new List<TrialRecord>();
            for (int i = 0; i < 40; i++)
            {
                var p = tuner.Propose(Space, i, history, StudyDirection.Maximize)!;
                history.Add(new TrialRecord { Id = i, Number = i, State = TrialState.Complete, Parameters = p, Proposal = i, Value = F(p) });
            }

            return history;
        }

        var tpe = Run(new TpeTuner(seed: 9, startupTrials: 10));
        var again = Run(new TpeTuner(seed: 9, startupTrials: 10));
        CollectionAssert.AreEqual(tpe.Select(t => t.Parameters.Key()).ToList(), again.Select(t => t.Parameters.Key()).ToList());

        // The model-based half proposes better values on average than the random start-up half.
        double startup = tpe.Take(10).Average(t => t.Value!.Value);
        double guided = tpe.Skip(20).Average(t => t.Value!.Value);
        Assert.IsGreaterThan(startup, guided, $"start-up mean {startup}, guided mean {guided}");
        Assert.IsGreaterThan(tpe.Take(10).Count(t => t.Parameters.GetString("c") == "q") / 10.0, tpe.Skip(20).Count(t => t.Parameters.GetString("c") == "q") / 20.0);
    }
}
