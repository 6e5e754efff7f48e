using System.CommandLine;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Evaluation;
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
        var device = DataOptions.Device();
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
            model, data, threads, device, batches, batchSize, output, trainRows, testRows,
        };
        command.SetAction(parse =>
        {
            TorchThreads.Apply(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!;
            using var loaded = LoadedModel.Load(modelPath, parse.GetValue(device)!, parse.GetValue(threads));
            var trained = loaded.Trained;
            if (!trained.Network.Spec.HasBatchNorm)
            {
                throw new UsageException($"{modelPath} has no batch-normalization layer to recalibrate.");
            }

            var folder = IdxDataFolder.Open(parse.GetValue(data)!, trained.LabelNames);
            var train = DataOptions.Limit(folder.LoadTrain(), parse.GetValue(trainRows));
            var test = DataOptions.Limit(folder.LoadTest(), parse.GetValue(testRows));
            var console = AnsiConsole.Console;
            double before = NetworkEvaluator.Evaluate(trained, test).MicroAccuracy;
            console.WriteLine($"test accuracy before: {before:P2} ({test.Count} rows of {test.Source})");
            long rows = trained.Network.RecalibrateBatchNorm(train, parse.GetValue(batchSize), parse.GetValue(batches));
            double after = NetworkEvaluator.Evaluate(trained, test).MicroAccuracy;
            console.WriteLine($"recalibrated on {rows} training images of {train.Source}");
            console.WriteLine($"test accuracy after:  {after:P2}");
            string target = parse.GetValue(output) ?? modelPath;
            loaded.Save(target);
            console.WriteLine($"saved {target}");
            return ExitCodes.Success;
        });
        return command;
    }
}
