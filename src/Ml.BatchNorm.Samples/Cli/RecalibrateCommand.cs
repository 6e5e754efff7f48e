using System.CommandLine;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn recalibrate</c>: recomputes a saved model's batch-norm moving statistics from training
/// images ("precise BN", <see cref="Network.RecalibrateBatchNorm"/>), prints test accuracy before and
/// after, and rewrites the model file atomically (or writes <c>--output</c>).
/// </summary>
internal static class RecalibrateCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The model file to recalibrate.", required: true);
        var data = DataOptions.Data();
        var threads = DataOptions.Threads();
        var batches = new Option<int?>("--batches")
        {
            Description = "Training batches to measure (default: one pass over the training images).",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is <= 0) r.AddError("--batches must be positive."); } },
        };
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Images per batch.",
            DefaultValueFactory = _ => 256,
            Validators = { r => { if (r.GetValueOrDefault<int>() <= 0) r.AddError("--batch-size must be positive."); } },
        };
        var output = new Option<string?>("--output") { Description = "Write the recalibrated model here instead of replacing --model." };
        var trainRows = DataOptions.Rows("--train-rows", "Measure on the first N training images only.");
        var testRows = DataOptions.Rows("--test-rows", "Evaluate on the first N test images only.");
        var command = new Command("recalibrate", "Recompute a model's batch-norm moving statistics from training images and save it.")
        {
            model, data, threads, batches, batchSize, output, trainRows, testRows,
        };
        command.SetAction(parse =>
        {
            TorchThreads.Apply(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!;
            var loaded = LoadedModel.Load(modelPath);
            using var network = BatchNormCnnModel.Load(modelPath);
            var trained = network.Trained;
            if (!trained.Network.Spec.HasBatchNorm)
            {
                throw new UsageException($"{modelPath} has no batch-normalization layer to recalibrate.");
            }

            var folder = IdxDataFolder.Open(parse.GetValue(data)!, trained.LabelNames);
            var train = DataOptions.Limit(folder.LoadTrain(), parse.GetValue(trainRows));
            var test = DataOptions.Limit(folder.LoadTest(), parse.GetValue(testRows));
            var console = AnsiConsole.Console;
            var ml = loaded.Ml;
            var testView = loaded.View(test);
            double before = ml.MulticlassClassification.Evaluate(loaded.Transform(testView)).MicroAccuracy;
            console.WriteLine($"test accuracy before: {before:P2} ({test.Count} rows of {test.Source})");
            long rows = trained.Network.RecalibrateBatchNorm(train, parse.GetValue(batchSize), parse.GetValue(batches));
            var recalibrated = MlbnPipeline.Around(ml, network, testView);
            double after = ml.MulticlassClassification.Evaluate(recalibrated.Transform(testView)).MicroAccuracy;
            console.WriteLine($"recalibrated on {rows} training images of {train.Source}");
            console.WriteLine($"test accuracy after:  {after:P2}");
            string target = parse.GetValue(output) ?? modelPath;
            MlbnPipeline.Save(ml, recalibrated, testView.Schema, target);
            console.WriteLine($"saved {target}");
            return ExitCodes.Success;
        });
        return command;
    }
}
