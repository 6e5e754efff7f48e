using System.CommandLine;
using Ml.BatchNorm.Data;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn evaluate</c>: scores the test split of a data folder with an ML.NET model file, loaded and run by ML.NET
/// (<c>Model.Load</c>, <c>Transform</c>, <c>MulticlassClassification.Evaluate</c>), and prints every metric.
/// </summary>
internal static class EvaluateCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The ML.NET model file to evaluate (written by 'mlbn train' or by mlContext.Model.Save).", required: true);
        var data = DataOptions.Data();
        var testRows = DataOptions.Rows("--test-rows", "Evaluate on the first N test images only.");
        var topK = new Option<int>("--top-k") { Description = "Also report top-k accuracy for this k.", DefaultValueFactory = _ => 3 };
        var command = new Command("evaluate", "Evaluate a saved model on the test images of a data folder (inference mode).") { model, data, testRows, topK };
        command.SetAction(parse =>
        {
            var loaded = LoadedModel.Load(parse.GetValue(model)!);
            var folder = IdxDataFolder.Open(parse.GetValue(data)!, loaded.ClassNames);
            var test = DataOptions.Limit(folder.LoadTest(), parse.GetValue(testRows));
            int k = Math.Min(parse.GetValue(topK), loaded.ClassNames.Count);
            var metrics = loaded.Ml.MulticlassClassification.Evaluate(loaded.Transform(loaded.View(test)), topKPredictionCount: k);
            AnsiConsole.Console.WriteLine($"{parse.GetValue(model)} on {test.Source} ({test.Count} rows, inference mode)");
            MetricsReport.Write(AnsiConsole.Console, "test metrics (ML.NET)", metrics, confusion: true);
            return ExitCodes.Success;
        });
        return command;
    }
}
