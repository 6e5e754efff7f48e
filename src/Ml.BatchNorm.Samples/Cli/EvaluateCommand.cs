using System.CommandLine;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn evaluate</c>: scores the test split of a data folder with a saved model (an engine or a pipeline file)
/// through the pipeline API (<c>Transform</c>, then <c>MulticlassClassification.Evaluate</c>) and prints every metric.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The model file to evaluate (written by 'mlbn train' or by ctx.Model.Save).", required: true);
        var data = DataOptions.Data();
        var threads = DataOptions.Threads();
        var device = DataOptions.Device();
        var testRows = DataOptions.Rows("--test-rows", "Evaluate on the first N test images only.");
        var topK = new Option<int>("--top-k") { Description = "Also report top-k accuracy for this k.", DefaultValueFactory = _ => 3 };
        var command = new Command("evaluate", "Evaluate a saved model on the test images of a data folder (inference mode).") { model, data, threads, device, testRows, topK };
        command.SetAction(parse =>
        {
            TorchThreads.Apply(parse.GetValue(threads));
            using var loaded = LoadedModel.Load(parse.GetValue(model)!, parse.GetValue(device)!, parse.GetValue(threads));
            var folder = IdxDataFolder.Open(parse.GetValue(data)!, loaded.ClassNames);
            var test = DataOptions.Limit(folder.LoadTest(), parse.GetValue(testRows));
            int k = Math.Min(parse.GetValue(topK), loaded.ClassNames.Count);
            var metrics = new MlBnContext().MulticlassClassification.Evaluate(loaded.Transform(test), topKPredictionCount: k);
            AnsiConsole.Console.WriteLine($"{parse.GetValue(model)} on {test.Source} (inference mode)");
            MetricsReport.Write(AnsiConsole.Console, "test metrics", metrics, confusion: true);
            return ExitCodes.Success;
        });
        return command;
    }
}
