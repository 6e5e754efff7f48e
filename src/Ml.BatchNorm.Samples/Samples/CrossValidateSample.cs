using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Cross-validate the batch-normalized CNN: one model per fold, each evaluated on the rows it did not see.</summary>
internal sealed class CrossValidateSample : ISample
{
    private const int Folds = 3;

    public string Name => "cross-validate";

    public string Description => $"{Folds}-fold cross-validation of MapValueToKey + BatchNormCnn on the training data, stratified by label.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        var ctx = new MlBnContext(seed: 1);
        IDataView data = ctx.Data.LoadFromIdx(settings.TrainImages, settings.TrainLabels);
        if (settings.TrainRows is int rows)
        {
            data = ctx.Data.TakeRows(data, rows);
        }

        var pipeline = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { Epochs = settings.Epochs }));

        // Each fold's label proportions match the whole set's (within one row), and the same seed gives the same folds.
        var results = ctx.MulticlassClassification.CrossValidate(data, pipeline, numberOfFolds: Folds, labelColumnName: "Label");
        foreach (var fold in results)
        {
            output.WriteLine($"fold {fold.Fold}: accuracy {fold.Metrics.MicroAccuracy:P2}, log loss {fold.Metrics.LogLoss:F4} on {fold.Metrics.RowCount} held-out images");
            fold.Dispose();
        }

        double mean = results.Average(r => r.Metrics.MicroAccuracy);
        double spread = Math.Sqrt(results.Average(r => Math.Pow(r.Metrics.MicroAccuracy - mean, 2)));
        output.WriteLine($"mean accuracy {mean:P2} (± {spread:P2} over {Folds} folds)");
    }
}
