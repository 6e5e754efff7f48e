using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Ml.BatchNorm.Samples.Cli;
using Ml.BatchNorm.Tests.Files;

namespace Ml.BatchNorm.Tests.Samples;

[TestClass]
public sealed class DiagnosticsCommandTests
{
    [TestMethod]
    public void CompareBnWritesCurvesSvgAndTensorBoardOnShrunkData()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string output = folder.File("compare");
        var (exit, _, error) = Mlbn.Run("compare-bn", "--train-rows", "2000", "--test-rows", "500", "--iterations", "40", "--every", "10", "--batch-size", "32", "--threads", "2", "--output", output);
        Assert.AreEqual(0, exit, error);

        string[] csv = File.ReadAllLines(Path.Combine(output, "curves.csv"));
        Assert.AreEqual("step,model,split,accuracy,loss", csv[0]);
        var rows = csv.Skip(1).Select(l => l.Split(',')).ToList();
        Assert.HasCount(4 * 2 * 2, rows, "4 measurements x 2 models x 2 splits");
        foreach (string model in new[] { "model1", "model2" })
        {
            foreach (string split in new[] { "train", "test" })
            {
                CollectionAssert.AreEqual(new[] { "10", "20", "30", "40" }, rows.Where(r => r[1] == model && r[2] == split).Select(r => r[0]).ToArray(), $"{model} {split}");
            }
        }

        Assert.IsTrue(rows.All(r => double.Parse(r[3], CultureInfo.InvariantCulture) is >= 0 and <= 1 && double.IsFinite(double.Parse(r[4], CultureInfo.InvariantCulture))));

        var svg = XDocument.Load(Path.Combine(output, "curves.svg"));
        var models = svg.Descendants().Where(e => e.Name.LocalName == "polyline").Select(e => (string?)e.Attribute("data-model")).Distinct().ToList();
        CollectionAssert.AreEquivalent(new[] { "model1", "model2" }, models);

        foreach (string model in new[] { "model1", "model2" })
        {
            string file = Directory.GetFiles(Path.Combine(output, "tensorboard", model)).Single();
            StringAssert.StartsWith(Path.GetFileName(file), "events.out.tfevents.");
            var events = TensorBoardEventReader.Read(file);
            Assert.AreEqual("brain.Event:2", events[0].FileVersion);
            var scalars = events.Skip(1).Select(e => (e.Step, e.Values.Single().Tag, e.Values.Single().Value)).ToList();
            Assert.HasCount(4 * 4, scalars);
            CollectionAssert.AreEquivalent(new[] { "train/accuracy", "train/loss", "test/accuracy", "test/loss" }, scalars.Select(s => s.Tag).Distinct().ToArray());
            var testAccuracy = rows.Where(r => r[1] == model && r[2] == "test").Select(r => (float)double.Parse(r[3], CultureInfo.InvariantCulture)).ToArray();
            CollectionAssert.AreEqual(testAccuracy, scalars.Where(s => s.Tag == "test/accuracy").OrderBy(s => s.Step).Select(s => s.Value).ToArray());
        }
    }

    [TestMethod]
    public void CompareBnRefusesBothEpochsAndIterations()
    {
        var (exit, _, error) = Mlbn.Run("compare-bn", "--epochs", "1", "--iterations", "5");
        Assert.AreEqual(ExitCodes.UsageError, exit);
        StringAssert.Contains(error, "--epochs or --iterations");
    }

    [TestMethod]
    public void DiagnosePrintsLintHorizonTelemetryAndGap()
    {
        _ = FashionMnist.Test;
        using var folder = new TempFolder();
        string model = folder.File("slow.zip");
        var (trainExit, _, trainError) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "15", "--batch-size", "32", "--decay", "0.999", "--threads", "2", "--model", model);
        Assert.AreEqual(0, trainExit, trainError);

        var (exit, output, error) = Mlbn.RunProcess("diagnose", "--model", model, "--batches", "2", "--test-rows", "256", "--threads", "2");
        Assert.AreEqual(0, exit, error);
        StringAssert.Contains(output, "network spec (lint)");
        StringAssert.Contains(output, "BN201", "decay 0.999 over 15 steps: horizon warning");
        StringAssert.Contains(output, "per-layer statistics on 2 training batches of 32");
        StringAssert.Contains(output, "BN302", "15 steps at 0.999 leave the statistics stale");
        StringAssert.Contains(output, "train/inference gap on 256 test rows");
        StringAssert.Contains(output, "verdict");
    }
}
