using Microsoft.ML;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Cross-validate the batch-normalized CNN: one model per fold, each evaluated on the rows it did not see.</summary>
internal sealed class CrossValidateSample : ISample
{
    private const int Folds = 3;

    public string Name => "cross-validate";

    public string Description => $"{Folds}-fold cross-validation of MapValueToKey + BatchNormCnn on the training data, stratified by label.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        var ctx = new MLContext(seed: 1);
        IDataView data = ctx.Data.LoadFromIdx(settings.TrainImages, settings.TrainLabels, settings.TrainRows);

        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { Epochs = settings.Epochs, Seed = 1 }));

        // ML.NET splits the rows into folds (the context's seed fixes them) and evaluates each model on its held-out fold.
        var results = ctx.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: Folds, labelColumnName: "Label");
        foreach (var fold in results)
        {
            output.WriteLine($"fold {fold.Fold}: accuracy {fold.Metrics.MicroAccuracy:P2}, log loss {fold.Metrics.LogLoss:F4}");
            (fold.Model as IDisposable)?.Dispose();
        }

        double mean = results.Average(r => r.Metrics.MicroAccuracy);
        double spread = Math.Sqrt(results.Average(r => Math.Pow(r.Metrics.MicroAccuracy - mean, 2)));
        output.WriteLine($"mean accuracy {mean:P2} (± {spread:P2} over {Folds} folds)");
    }
}
