using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Pipeline;
using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Tests.Samples;

[TestClass]
public sealed class RecalibrateCommandTests
{
    [TestMethod]
    public void RecalibrateWritesNewStatisticsAndReportsAccuracyBeforeAndAfter()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string model = folder.File("model.zip");
        var (trainExit, _, trainError) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "10", "--batch-size", "32", "--threads", "2", "--model", model);
        Assert.AreEqual(0, trainExit, trainError);

        string recalibrated = folder.File("recalibrated.zip");
        var (exit, _, error) = Mlbn.Run("recalibrate", "--model", model, "--output", recalibrated, "--train-rows", "640", "--test-rows", "200", "--batches", "5", "--batch-size", "64", "--threads", "2");
        Assert.AreEqual(0, exit, error);

        float[] before, after;
        using (var original = ModelFile.Load(model))
        {
            before = original.Network.ReadTensor("1.running_var");
        }

        using (var changed = ModelFile.Load(recalibrated))
        {
            after = changed.Network.ReadTensor("1.running_var");
        }

        CollectionAssert.AreNotEqual(before, after, "the moving statistics must change");

        // Without --output the model file itself is replaced, with the same (seeded) result.
        var (inPlaceExit, _, inPlaceError) = Mlbn.Run("recalibrate", "--model", model, "--train-rows", "640", "--test-rows", "200", "--batches", "5", "--batch-size", "64", "--threads", "2");
        Assert.AreEqual(0, inPlaceExit, inPlaceError);
        using var replaced = ModelFile.Load(model);
        CollectionAssert.AreEqual(after, replaced.Network.ReadTensor("1.running_var"));
    }

    [TestMethod]
    public void APipelineModelFileIsRecalibratedAndStaysAPipelineFile()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string engine = folder.File("engine.zip");
        var (trainExit, _, trainError) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "10", "--batch-size", "32", "--threads", "2", "--model", engine);
        Assert.AreEqual(0, trainExit, trainError);
        var ctx = new MlBnContext();
        string pipeline = folder.File("pipeline.zip");
        var chain = ctx.Model.Load(engine, out var schema);
        float[] before = ((BatchNormCnnTransformer)((TransformerChain<ITransformer>)chain)[1]).Model.Network.ReadTensor("1.running_var");
        ctx.Model.Save(chain, schema, pipeline);
        (chain as IDisposable)?.Dispose();

        var (exit, _, error) = Mlbn.Run("recalibrate", "--model", pipeline, "--train-rows", "640", "--test-rows", "200", "--batches", "5", "--batch-size", "64", "--threads", "2");
        Assert.AreEqual(0, exit, error);
        Assert.IsFalse(ModelFile.IsModelFile(pipeline), "still a pipeline file");
        var reloaded = (TransformerChain<ITransformer>)ctx.Model.Load(pipeline, out var reloadedSchema);
        try
        {
            Assert.AreEqual(schema.ToString(), reloadedSchema.ToString());
            Assert.HasCount(3, reloaded);
            var after = ((BatchNormCnnTransformer)reloaded[1]).Model.Network.ReadTensor("1.running_var");
            CollectionAssert.AreNotEqual(before, after, "the moving statistics must change");
        }
        finally
        {
            reloaded.Dispose();
        }

        var (diagnoseExit, _, diagnoseError) = Mlbn.RunProcess("diagnose", "--model", pipeline, "--batches", "1", "--test-rows", "128", "--threads", "2");
        Assert.AreEqual(0, diagnoseExit, diagnoseError);
    }

    [TestMethod]
    [DataRow("recalibrate")]
    [DataRow("recalibrate", "--model", "m.zip", "--batches", "0")]
    [DataRow("recalibrate", "--model", "m.zip", "--batch-size", "-1")]
    public void UsageErrorsExitWithTwo(params string[] args)
    {
        var (exit, _, error) = Mlbn.Run(args);
        Assert.AreEqual(ExitCodes.UsageError, exit, error);
    }
}
