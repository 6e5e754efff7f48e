using Microsoft.ML;
using Microsoft.ML.Data;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Tests.Samples;

[TestClass]
public sealed class CommandLineTests
{
    [TestMethod]
    [DataRow("train", "--no-such-option")]
    [DataRow("train", "--epochs", "1", "--iterations", "5")]
    [DataRow("train", "--batch-size", "0")]
    [DataRow("train", "--decay", "1.5")]
    [DataRow("train", "--recipe", "fast")]
    [DataRow("train", "--epochs", "many")]
    [DataRow("evaluate")]
    [DataRow("predict", "--model", "m.zip")]
    [DataRow("no-such-command")]
    public void UsageErrorsExitWithTwo(params string[] args)
    {
        var (exit, _, error) = Mlbn.Run(args);
        Assert.AreEqual(ExitCodes.UsageError, exit, error);
        StringAssert.StartsWith(error, "error:");
    }

    [TestMethod]
    public void DecayOutOfRangeNamesTheOption()
    {
        var (_, _, error) = Mlbn.Run("train", "--decay", "1.5");
        StringAssert.Contains(error, "MovingAverageDecay");
    }

    [TestMethod]
    public void HelpListsTheCommandsAndExitsWithZero()
    {
        var (exit, output, _) = Mlbn.Run("--help");
        Assert.AreEqual(0, exit);
        foreach (var command in new[] { "train", "evaluate", "predict" })
        {
            StringAssert.Contains(output, command);
        }

        var (trainExit, trainHelp, _) = Mlbn.Run("train", "--help");
        Assert.AreEqual(0, trainExit);
        foreach (var flag in new[] { "--data", "--epochs", "--iterations", "--batch-size", "--no-batch-norm", "--decay", "--learning-rate", "--recipe", "--restart", "--seed", "--threads", "--device", "--model" })
        {
            StringAssert.Contains(trainHelp, flag);
        }
    }

    [TestMethod]
    public void RuntimeErrorsExitWithOneAndOneLine()
    {
        using var folder = new TempFolder();
        var (exit, _, error) = Mlbn.Run("evaluate", "--model", folder.File("missing.zip"));
        Assert.AreEqual(ExitCodes.RuntimeError, exit);
        StringAssert.Contains(error, "missing.zip");
        Assert.AreEqual(1, error.Trim().Split('\n').Length, error);

        var (dataExit, _, dataError) = Mlbn.Run("train", "--data", folder.File("no-such-folder"), "--iterations", "1", "--model", folder.File("m.zip"));
        Assert.AreEqual(ExitCodes.RuntimeError, dataExit);
        StringAssert.Contains(dataError, "no-such-folder");
    }

    [TestMethod]
    public void ModelTrainedHereScoresBitIdenticallyInAnotherProcess()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string model = folder.File("model.zip");
        var (exit, _, error) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "15", "--batch-size", "32", "--threads", "2", "--model", model);
        Assert.AreEqual(0, exit, error);
        Assert.IsTrue(File.Exists(model));
        Assert.IsFalse(File.Exists(model + ".checkpoint"), "a finished run leaves no checkpoint behind");

        // Score 40 test images in this process, as one batch ...
        string images = Path.Combine(IdxDataFolder.DefaultFolder, "t10k-images-idx3-ubyte.gz");
        var expected = ScoresInThisProcess(model, 40);

        // ... and in a new process through `mlbn predict`, also one batch of 40.
        string csv = folder.File("predictions.csv");
        var (predictExit, stdout, stderr) = Mlbn.RunProcess("predict", "--model", model, "--images", images, "--count", "40", "--output", csv);
        Assert.AreEqual(0, predictExit, stderr);
        StringAssert.Contains(stdout, "0: ");

        var lines = File.ReadAllLines(csv);
        Assert.AreEqual(41, lines.Length);
        var actual = lines.Skip(1).SelectMany(l => l.Split(',').Skip(2).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        CollectionAssert.AreEqual(expected, actual, "scores in another process must be bit-identical");

        var (evaluateExit, evaluation, evaluateError) = Mlbn.RunProcess("evaluate", "--model", model, "--test-rows", "200");
        Assert.AreEqual(0, evaluateExit, evaluateError);
        StringAssert.Contains(evaluation, "log loss");
        StringAssert.Contains(evaluation, "Confusion table");
        StringAssert.Contains(evaluation, "Sneaker");

        string onnx = folder.File("net.onnx");
        var (exportExit, _, exportError) = Mlbn.Run("export-onnx", "--model", model, "--output", onnx);
        Assert.AreEqual(0, exportExit, exportError);
        Assert.IsTrue(new FileInfo(onnx).Length > 1000, "an ONNX graph with the weights");
    }

    [TestMethod]
    public void AFileThatIsNotAModelExitsWithOneAndOneLine()
    {
        using var folder = new TempFolder();
        string notModel = folder.File("notes.zip");
        File.WriteAllText(notModel, "not a model");
        foreach (var command in new[] { "evaluate", "export-onnx" })
        {
            string[] args = command == "evaluate" ? [command, "--model", notModel] : [command, "--model", notModel, "--output", folder.File("x.onnx")];
            var (exit, _, error) = Mlbn.Run(args);
            Assert.AreEqual(ExitCodes.RuntimeError, exit, command);
            StringAssert.Contains(error, "notes.zip");
            Assert.AreEqual(1, error.Trim().Split('\n').Length, error);
        }

        Assert.IsFalse(File.Exists(folder.File("x.onnx")), "no partial file");
    }

    [TestMethod]
    public void PredictScoresPngFilesInAnotherProcessBitIdenticallyToIdxRows()
    {
        using var folder = new TempFolder();
        string model = folder.File("model.zip");
        var (exit, _, error) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "10", "--batch-size", "32", "--threads", "2", "--model", model);
        Assert.AreEqual(0, exit, error);

        // The first 20 test images as PNG files written from the IDX bytes, scored in this process from the IDX rows.
        string pngs = Path.Combine(folder.Path, "pngs");
        Directory.CreateDirectory(pngs);
        var test = FashionMnist.Test;
        for (int i = 0; i < 20; i++)
        {
            ImageFiles.WriteGray(Path.Combine(pngs, $"image{i:D2}.png"), test.PixelBytes.Slice(i * 784, 784), 28, 28);
        }

        var expected = ScoresInThisProcess(model, 20);

        string csv = folder.File("predictions.csv");
        var (predictExit, stdout, stderr) = Mlbn.RunProcess("predict", "--model", model, "--images", pngs, "--output", csv);
        Assert.AreEqual(0, predictExit, stderr);
        StringAssert.Contains(stdout, "image00.png: ");
        StringAssert.Contains(stdout, "image19.png: ");

        var lines = File.ReadAllLines(csv);
        Assert.AreEqual(21, lines.Length);
        var actual = lines.Skip(1).SelectMany(l => l.Split(',').Skip(2).Select(v => float.Parse(v, CultureInfo.InvariantCulture))).ToArray();
        CollectionAssert.AreEqual(expected, actual, "PNG scores in another process must be bit-identical to the IDX rows'");
    }

    /// <summary>The first test rows scored in this process by ML.NET's own load of the model file.</summary>
    private static float[] ScoresInThisProcess(string model, int rows)
    {
        var ml = new MLContext();
        var loaded = ml.Model.Load(model, out _);
        var data = ml.Data.LoadFromIdx(Path.Combine(IdxDataFolder.DefaultFolder, "t10k-images-idx3-ubyte.gz"), Path.Combine(IdxDataFolder.DefaultFolder, "t10k-labels-idx1-ubyte.gz"), maxRows: rows);
        return loaded.Transform(data).GetColumn<float[]>("Score").SelectMany(s => s).ToArray();
    }
}
