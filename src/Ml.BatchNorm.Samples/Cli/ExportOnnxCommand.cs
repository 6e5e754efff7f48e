using System.CommandLine;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn export-onnx</c>: writes the network of an ML.NET model file alone as an ONNX model for other runtimes
/// (input "Features" float [N, C×H×W] → "Score" float [N, classes], standard operators, opset 13).
/// </summary>
internal static class ExportOnnxCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The ML.NET model file whose network to export.", required: true);
        var output = new Option<string>("--output") { Description = "The ONNX file to write.", Required = true };
        var command = new Command("export-onnx", "Write a model's network as a plain ONNX graph (input -> Score) for other runtimes.") { model, output };
        command.SetAction(parse =>
        {
            using var loaded = BatchNormCnnModel.Load(parse.GetValue(model)!);
            string path = parse.GetValue(output)!;
            loaded.ExportOnnx(path);
            AnsiConsole.Console.WriteLine($"wrote {path}: {loaded.Spec.Channels}x{loaded.Spec.Height}x{loaded.Spec.Width} -> {loaded.ClassNames.Count} classes");
            return ExitCodes.Success;
        });
        return command;
    }
}
