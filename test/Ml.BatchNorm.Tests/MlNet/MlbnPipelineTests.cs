using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Tests.Engine;

namespace Ml.BatchNorm.Tests.MlNet;

/// <summary>The pipeline mlbn's commands and sweep trials save a trained network in.</summary>
[TestClass]
public sealed class MlbnPipelineTests
{
    [TestMethod]
    public void NetworkSavedAroundThePipelineReopensAndScoresBitIdentically()
    {
        using var folder = new TempFolder();
        var train = FashionMnist.Train.Take(320);
        var options = new TrainingOptions { Iterations = 10, BatchSize = 32, Threads = 2, EvaluateEvery = 0, Seed = 7 };
        using var trained = new BatchNormCnnModel(new Trainer(SeedNetworks.Model1(), options).Train(train));
        var ml = new MLContext(seed: 1);
        var view = ImageRows.View(ml, train);
        string path = folder.File("model.zip");
        MlbnPipeline.Save(ml, MlbnPipeline.Around(ml, trained, view), view.Schema, path);

        using var loaded = BatchNormCnnModel.Load(path);
        var test = FashionMnist.Test.Take(64);
        var input = new float[64 * 784];
        for (int i = 0; i < 64; i++)
        {
            test.CopyImage(i, input.AsSpan(i * 784, 784));
        }

        var expected = new float[64 * 10];
        var actual = new float[64 * 10];
        trained.Trained.Network.Score(input, 64, expected);
        loaded.Trained.Network.Score(input, 64, actual);
        CollectionAssert.AreEqual(expected, actual);
        CollectionAssert.AreEqual(trained.ClassNames.ToArray(), loaded.ClassNames.ToArray());
        TrainerTests.AssertSameTensors(trained.Trained.Network, loaded.Trained.Network);

        // ML.NET itself reads the file, with the class names as the Score column's slot names.
        var reopened = ml.Model.Load(path, out var inputSchema);
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        reopened.GetOutputSchema(inputSchema)["Score"].GetSlotNames(ref names);
        CollectionAssert.AreEqual(train.LabelNames.ToArray(), names.DenseValues().Select(n => n.ToString()).ToArray());
    }
}
