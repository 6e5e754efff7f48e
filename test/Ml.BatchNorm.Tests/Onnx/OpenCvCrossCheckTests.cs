using System.Diagnostics;
using System.Runtime.InteropServices;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>
/// The export graph (input → Score, standard operators only) passes python3-onnx's checker and OpenCV's
/// DNN module (python3-opencv) scores it like ONNX Runtime: two independent runtimes.
/// </summary>
[TestClass]
public sealed class OpenCvCrossCheckTests
{
    private const string Python = "/usr/bin/python3";
    private const int Rows = 1000;

    public TestContext TestContext { get; set; } = null!;

    [TestMethod]
    public void Model1ExportGraph_PassesTheCheckerAndScoresInOpenCvAsInOnnxRuntime() =>
        AssertOpenCvAgrees(SeedNetworks.Model1(OnnxTestNetworks.InferenceChangingOptions));

    [TestMethod]
    public void Model2ExportGraph_PassesTheCheckerAndScoresInOpenCvAsInOnnxRuntime() =>
        AssertOpenCvAgrees(SeedNetworks.Model2());

    [TestMethod]
    public void MlNetGraph_WithPredictedIndexAndSlotNames_PassesTheChecker()
    {
        using var network = new Network(SeedNetworks.Model1(), seed: 2);
        using var folder = new TempFolder();
        string modelPath = folder.File("mlnet.onnx");
        var labels = Enumerable.Range(0, network.OutputSize).Select(i => $"class {i}").ToArray();
        OnnxNetworkWriter.Write(network, modelPath, new OnnxNetworkOptions { LabelNames = labels });
        var (exitCode, text) = RunPython("--check-only", modelPath);
        if (exitCode == 3)
        {
            Assert.Inconclusive($"{Python} cannot run the check: {text}");
        }

        Assert.AreEqual(0, exitCode, $"the checker refused the graph:\n{text}");
    }

    private void AssertOpenCvAgrees(NetworkSpec spec)
    {
        using var trained = OnnxTestNetworks.Train(spec);
        using var folder = new TempFolder();
        var options = new OnnxNetworkOptions { LabelNames = trained.LabelNames }.ForOtherRuntimes();
        string modelPath = folder.File("net.onnx");
        OnnxNetworkWriter.Write(trained.Network, modelPath, options);
        byte[] model = File.ReadAllBytes(modelPath);

        float[] images = OnnxTestNetworks.TestImages(Rows);
        var outputs = OnnxRuntimeScoring.Run(model, options.InputName, images, Rows);
        CollectionAssert.AreEquivalent(new[] { "Score" }, outputs.Keys.ToArray(), "the export graph has one output");
        var onnxRuntime = (float[])outputs["Score"];

        string inputPath = folder.File("input.f32");
        string outputPath = folder.File("output.f32");
        File.WriteAllBytes(inputPath, MemoryMarshal.AsBytes(images.AsSpan()).ToArray());
        var (exitCode, text) = RunPython(modelPath, inputPath, Rows.ToString(), (images.Length / Rows).ToString(), outputPath);
        if (exitCode == 3)
        {
            Assert.Inconclusive($"{Python} cannot run the check: {text}");
        }

        Assert.AreEqual(0, exitCode, $"opencv_score.py failed:\n{text}");
        float[] openCv = MemoryMarshal.Cast<byte, float>(File.ReadAllBytes(outputPath)).ToArray();
        double error = OnnxTestNetworks.RelativeError(openCv, onnxRuntime);
        TestContext.WriteLine($"OpenCV vs ONNX Runtime: {error:E2} norm-wise on {Rows} rows; {text.Trim()}");
        Assert.IsTrue(error < 1e-5, $"OpenCV's scores differ from ONNX Runtime's by {error:E3} norm-wise (limit 1e-5). {text}");
    }

    private static (int ExitCode, string Output) RunPython(params string[] arguments)
    {
        if (!File.Exists(Python))
        {
            Assert.Inconclusive($"{Python} is not installed (apt-get install python3-onnx python3-opencv).");
        }

        var start = new ProcessStartInfo(Python) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Onnx", "opencv_score.py"));
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout + stderr.Result);
    }
}
