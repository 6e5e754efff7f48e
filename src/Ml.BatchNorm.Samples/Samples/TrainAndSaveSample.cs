using Microsoft.ML;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Train the batch-normalized CNN through a pipeline, evaluate it and save it to one file.</summary>
internal sealed class TrainAndSaveSample : ISample
{
    public string Name => "train-and-save";

    public string Description => "Load IDX data, fit MapValueToKey + BatchNormCnn + MapKeyToValue, evaluate, save the model.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        // The context's seed does not reach a third-party trainer (ML.NET keeps it internal): the options carry one.
        var ctx = new MLContext(seed: 1);
        IDataView train = ctx.Data.LoadFromIdx(settings.TrainImages, settings.TrainLabels, settings.TrainRows);
        IDataView test = ctx.Data.LoadFromIdx(settings.TestImages, settings.TestLabels, settings.TestRows);

        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Features",
                Epochs = settings.Epochs,
                Seed = 1,
            }))
            .Append(ctx.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        using var model = pipeline.Fit(train);
        // Evaluate and save are ML.NET's own; the file loads in any ML.NET application with the ONNX transformer.
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
        output.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}, log loss {metrics.LogLoss:F4}");
        ctx.Model.Save(model, train.Schema, settings.ModelPath);
        output.WriteLine($"model saved to {settings.ModelPath}");
    }
}
