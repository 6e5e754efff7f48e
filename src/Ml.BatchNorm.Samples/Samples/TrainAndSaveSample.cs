using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Train the batch-normalized CNN through a pipeline, evaluate it and save it to one file.</summary>
internal sealed class TrainAndSaveSample : ISample
{
    public string Name => "train-and-save";

    public string Description => "Load IDX data, fit MapValueToKey + BatchNormCnn + MapKeyToValue, evaluate, save the model.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        var ctx = new MlBnContext(seed: 1);
        IDataView train = ctx.Data.LoadFromIdx(settings.TrainImages, settings.TrainLabels);
        IDataView test = ctx.Data.LoadFromIdx(settings.TestImages, settings.TestLabels);
        if (settings.TrainRows is int trainRows)
        {
            train = ctx.Data.TakeRows(train, trainRows);
        }

        if (settings.TestRows is int testRows)
        {
            test = ctx.Data.TakeRows(test, testRows);
        }

        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions
            {
                LabelColumnName = "Label",
                FeatureColumnName = "Image",
                Epochs = settings.Epochs,
            }))
            .Append(ctx.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

        using var model = pipeline.Fit(train);
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(test));
        output.WriteLine($"test accuracy {metrics.MicroAccuracy:P2}, log loss {metrics.LogLoss:F4} on {metrics.RowCount} images");
        ctx.Model.Save(model, train.Schema, settings.ModelPath);
        output.WriteLine($"model saved to {settings.ModelPath}");
    }
}
