using Microsoft.ML;
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
        using (var original = BatchNormCnnModel.Load(model))
        {
            before = original.Trained.Network.ReadTensor("1.running_var");
        }

        using (var changed = BatchNormCnnModel.Load(recalibrated))
        {
            after = changed.Trained.Network.ReadTensor("1.running_var");
        }

        CollectionAssert.AreNotEqual(before, after, "the moving statistics must change");

        // Without --output the model file itself is replaced, with the same (seeded) result.
        var (inPlaceExit, _, inPlaceError) = Mlbn.Run("recalibrate", "--model", model, "--train-rows", "640", "--test-rows", "200", "--batches", "5", "--batch-size", "64", "--threads", "2");
        Assert.AreEqual(0, inPlaceExit, inPlaceError);
        using var replaced = BatchNormCnnModel.Load(model);
        CollectionAssert.AreEqual(after, replaced.Trained.Network.ReadTensor("1.running_var"));
    }

    [TestMethod]
    public void TheRecalibratedFileIsAnMlNetModelThatDiagnoseReads()
    {
        _ = FashionMnist.Test; // inconclusive without the data
        using var folder = new TempFolder();
        string model = folder.File("model.zip");
        var (trainExit, _, trainError) = Mlbn.Run("train", "--train-rows", "640", "--test-rows", "200", "--iterations", "10", "--batch-size", "32", "--threads", "2", "--model", model);
        Assert.AreEqual(0, trainExit, trainError);
        var (exit, _, error) = Mlbn.Run("recalibrate", "--model", model, "--train-rows", "640", "--test-rows", "200", "--batches", "5", "--batch-size", "64", "--threads", "2");
        Assert.AreEqual(0, exit, error);

        var ml = new MLContext();
        var reloaded = ml.Model.Load(model, out var schema);
        Assert.AreEqual("Label", schema[0].Name);
        Assert.IsNotNull(reloaded.GetOutputSchema(schema).GetColumnOrNull("Score"));

        var (diagnoseExit, _, diagnoseError) = Mlbn.RunProcess("diagnose", "--model", model, "--batches", "1", "--test-rows", "128", "--threads", "2");
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
