using System.Xml.Linq;
using Ml.BatchNorm.Sweeps;
using Ml.BatchNorm.SweepWorker;

namespace Ml.BatchNorm.Tests.Sweeps;

[TestClass]
public sealed class StudyReportTests
{
    [TestMethod]
    public async Task CsvHasOneRowPerTrialAndThePlotsAreWellFormedSvg()
    {
        using var folder = new TempFolder();
        var space = new SearchSpace().Float("x_log", 1e-4, 1, log: true).Choice("c", "p,q", "r");
        var result = await new SweepExperiment().SetStorage(folder.File("r.db")).SetSearchSpace(space)
            .SetObjective(new SyntheticObjective(TimeSpan.Zero)).SetMaxEpochs(3).SetTrialBudget(6)
            .SetPruner(new MedianPruner(startupTrials: 2)).SetCheckpointFolder(folder.File("ck")).RunAsync();
        var lines = StudyTable.Csv(result.Trials, space).TrimEnd().Split('\n');
        Assert.HasCount(7, lines);
        StringAssert.StartsWith(lines[0], "number,state,value,attempt,retry_of,worker,started_utc,finished_utc,seconds,epochs_reported,x_log,c,error");
        foreach (var svg in new[]
        {
            StudySvg.OptimizationHistory(result.Trials, result.Study.Direction),
            StudySvg.IntermediateValues(result.Trials),
            StudySvg.ParallelCoordinates(result.Trials, space, result.Study.Direction),
        })
        {
            var root = XDocument.Parse(svg).Root!;
            Assert.AreEqual("svg", root.Name.LocalName);
            Assert.IsGreaterThan(0, root.Descendants().Count(e => e.Name.LocalName is "polyline" or "circle"));
        }
    }
}
