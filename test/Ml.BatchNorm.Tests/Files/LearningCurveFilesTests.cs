using System.Xml.Linq;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

[TestClass]
public sealed class LearningCurveFilesTests
{
    private static readonly LearningCurvePoint[] Points =
    [
        new(10, "model1", "train", 0.5, 1.5), new(10, "model1", "test", 0.45, 1.6),
        new(20, "model1", "train", 0.75, 0.8), new(20, "model1", "test", 0.7, 0.9),
        new(10, "model2", "train", 0.25, 2.5), new(10, "model2", "test", 0.2, 2.6),
        new(20, "model2", "train", 0.5, 1.5), new(20, "model2", "test", 0.4, 1.7),
    ];

    [TestMethod]
    public void CsvHasHeaderAndOneRowPerPoint()
    {
        using var folder = new TempFolder();
        LearningCurveCsv.Write(folder.File("curves.csv"), Points);
        string[] lines = File.ReadAllLines(folder.File("curves.csv"));
        Assert.AreEqual("step,model,split,accuracy,loss", lines[0]);
        Assert.HasCount(Points.Length + 1, lines);
        Assert.AreEqual("20,model2,test,0.4,1.7", lines[^1]);
    }

    [TestMethod]
    public void SvgIsXmlWithBothModelsBothSplitsAxisLabelsLegendAndTitle()
    {
        using var folder = new TempFolder();
        LearningCurveSvg.Write(folder.File("curves.svg"), Points, "BN vs no BN <test>");
        var doc = XDocument.Load(folder.File("curves.svg"));
        XNamespace svg = "http://www.w3.org/2000/svg";
        Assert.AreEqual(svg + "svg", doc.Root!.Name);
        var series = doc.Descendants(svg + "polyline").Where(p => (string?)p.Attribute("class") == "series").ToList();
        foreach (string model in new[] { "model1", "model2" })
        {
            foreach (string split in new[] { "train", "test" })
            {
                var lines = series.Where(p => (string?)p.Attribute("data-model") == model && (string?)p.Attribute("data-split") == split).ToList();
                Assert.HasCount(2, lines, $"{model} {split}: one line in the accuracy panel, one in the loss panel");
                Assert.HasCount(2, ((string)lines[0].Attribute("points")!).Split(' '), "two points each");
            }
        }

        var texts = doc.Descendants(svg + "text").Select(t => t.Value).ToList();
        CollectionAssert.Contains(texts, "training step");
        CollectionAssert.Contains(texts, "accuracy (%)");
        CollectionAssert.Contains(texts, "loss (mean cross-entropy)");
        CollectionAssert.Contains(texts, "model1 test");
        CollectionAssert.Contains(texts, "model2 train");
        CollectionAssert.Contains(texts, "BN vs no BN <test>");
        CollectionAssert.Contains(texts, "100", "accuracy axis ticks up to 100%");
    }
}
