using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Pipeline;
using Ml.BatchNorm.Samples.Cli;
using Spectre.Console;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>
/// Engine model files (what <c>mlbn train</c> writes) and pipeline model files (what ctx.Model.Save writes) load
/// through the same ctx.Model.Load, and the command line scores and evaluates both through the pipeline.
/// </summary>
[TestClass]
public sealed class ModelFileKindsTests
{
    private const int TestRows = 300;
    private static TrainedNetwork? _trained;
    private static TempFolder? _folder;

    [ClassInitialize]
    public static void TrainOnce(TestContext context)
    {
        var train = FashionMnist.Train.Take(640);
        _trained = new Trainer(SeedNetworks.Model1(new BatchNormOptions()), new TrainingOptions { Iterations = 12, BatchSize = 32, EvaluateEvery = 0, Threads = 2 }).Train(train);
        _folder = new TempFolder();
    }

    [ClassCleanup]
    public static void Cleanup()
    {
        _trained?.Dispose();
        _folder?.Dispose();
    }

    [TestMethod]
    public void EngineModelFileLoadsAsAPipelineWithTheClassNames()
    {
        string path = _folder!.File("engine.zip");
        ModelFile.Save(_trained!, path);
        var ctx = new MlBnContext();
        var loaded = ctx.Model.Load(path, out var inputSchema);
        try
        {
            Assert.AreEqual(NumberDataViewType.UInt32, inputSchema["Label"].Type);
            Assert.AreEqual(new VectorDataViewType(NumberDataViewType.Single, 784), inputSchema["Image"].Type);
            var test = FashionMnist.Test.Take(TestRows);
            var scored = loaded.Transform(DataViewLoaders.FromImageDataset(test));
            var labelKey = (KeyDataViewType)scored.Schema["Label"].Type;
            CollectionAssert.AreEqual(_trained!.LabelNames.ToArray(), labelKey.KeyNames!.ToArray());

            // The same batches as the pipeline scores (aligned blocks of its scoring batch size): bit-identical.
            var expected = new float[TestRows * 10];
            var images = new float[TestRows * 784];
            for (int i = 0; i < TestRows; i++)
            {
                test.CopyImage(i, images.AsSpan(i * 784, 784));
            }

            for (int start = 0; start < TestRows; start += BatchNormCnnTransformer.ScoringBatchSize)
            {
                int rows = Math.Min(BatchNormCnnTransformer.ScoringBatchSize, TestRows - start);
                _trained.Network.Score(images.AsSpan(start * 784, rows * 784), rows, expected.AsSpan(start * 10, rows * 10));
            }

            var score = scored.Schema["Score"];
            var predicted = scored.Schema["PredictedLabel"];
            using var cursor = scored.GetRowCursor([score, predicted]);
            var readScore = cursor.GetGetter<VBuffer<float>>(score);
            var readPredicted = cursor.GetGetter<uint>(predicted);
            var value = default(VBuffer<float>);
            uint label = 0;
            int row = 0;
            while (cursor.MoveNext())
            {
                readScore(ref value);
                readPredicted(ref label);
                var reference = expected.AsSpan(row * 10, 10);
                CollectionAssert.AreEqual(reference.ToArray(), value.GetValues().ToArray(), $"row {row}");
                Assert.AreEqual((uint)PredictionReport.ArgMax(reference), label, $"row {row}: PredictedLabel maps back to the label value");
                row++;
            }

            Assert.AreEqual(TestRows, row);
        }
        finally
        {
            (loaded as IDisposable)?.Dispose();
        }
    }

    [TestMethod]
    public void EvaluateCommandReadsPipelineFilesAndEngineFilesAlike()
    {
        string engine = _folder!.File("cli-engine.zip");
        ModelFile.Save(_trained!, engine);
        var ctx = new MlBnContext();
        string pipeline = _folder.File("cli-pipeline.zip");
        var chain = ctx.Model.Load(engine, out var schema);
        try
        {
            ctx.Model.Save(chain, schema, pipeline);
        }
        finally
        {
            (chain as IDisposable)?.Dispose();
        }

        string expected = NetworkEvaluatorAccuracy();
        foreach (var model in new[] { engine, pipeline })
        {
            string printed = CapturedConsole(() => MlbnCommandLine.Run(["evaluate", "--model", model, "--test-rows", TestRows.ToString(CultureInfo.InvariantCulture), "--threads", "2"], TextWriter.Null, TextWriter.Null));
            string line = printed.Split('\n').Single(l => l.Contains("accuracy (micro)", StringComparison.Ordinal));
            StringAssert.EndsWith(line.TrimEnd(' ', '│'), expected, model);
            StringAssert.Contains(printed, _trained!.LabelNames[9], "the confusion table names the classes");
        }
    }

    private static string NetworkEvaluatorAccuracy()
    {
        var metrics = Ml.BatchNorm.Evaluation.NetworkEvaluator.Evaluate(_trained!, FashionMnist.Test.Take(TestRows), batchSize: BatchNormCnnTransformer.ScoringBatchSize);
        return metrics.MicroAccuracy.ToString("0.0000", CultureInfo.InvariantCulture);
    }

    private static string CapturedConsole(Func<int> run)
    {
        var previous = AnsiConsole.Console;
        using var writer = new StringWriter();
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(writer), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        try
        {
            Assert.AreEqual(0, run());
        }
        finally
        {
            AnsiConsole.Console = previous;
        }

        return writer.ToString();
    }
}
