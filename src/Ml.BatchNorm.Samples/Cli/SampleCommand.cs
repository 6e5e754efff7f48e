using System.CommandLine;
using Ml.BatchNorm.Samples.Samples;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary><c>mlbn sample NAME</c>: runs one of the readable samples in src/Ml.BatchNorm.Samples/Samples.</summary>
internal static class SampleCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The sample: " + string.Join(", ", SampleCatalog.All.Select(s => s.Name)) + "." };
        name.AcceptOnlyFromAmong(SampleCatalog.All.Select(s => s.Name).ToArray());
        var data = DataOptions.Data();
        var work = new Option<string>("--work") { Description = "Folder for the files a sample writes.", DefaultValueFactory = _ => "." };
        var trainRows = DataOptions.Rows("--train-rows", "Shrink the training data to its first N images.");
        var testRows = DataOptions.Rows("--test-rows", "Shrink the test data to its first N images.");
        var epochs = new Option<int>("--epochs") { Description = "Training epochs.", DefaultValueFactory = _ => 1 };
        var command = new Command("sample", "Run a sample scenario: " + string.Join("; ", SampleCatalog.All.Select(s => $"{s.Name}: {s.Description}"))) { name, data, work, trainRows, testRows, epochs };
        command.SetAction(parse =>
        {
            var sample = SampleCatalog.Find(parse.GetValue(name)!)!;
            var settings = new SampleSettings(parse.GetValue(data)!, Path.GetFullPath(parse.GetValue(work)!), parse.GetValue(trainRows), parse.GetValue(testRows), parse.GetValue(epochs));
            Directory.CreateDirectory(settings.WorkFolder);
            sample.Run(settings, parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }
}
