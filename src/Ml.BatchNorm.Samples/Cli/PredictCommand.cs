using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary><c>mlbn predict</c>: prints the predicted label and probabilities for images of an IDX file.</summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The model file to score with.", required: true);
        var images = new Option<string>("--images") { Description = "IDX image file (raw or .gz), a PNG/JPEG/BMP file, or a folder of them, to score.", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Matching IDX label file: adds the true label to each line." };
        var count = new Option<int>("--count") { Description = "Score the first N images.", DefaultValueFactory = _ => 10 };
        var csv = new Option<string?>("--output") { Description = "Also write index, predicted label and every probability (round-trip precision) as CSV to this file." };
        var threads = DataOptions.Threads();
        var device = DataOptions.Device();
        var command = new Command("predict", "Predict labels for images of an IDX file with a saved model (inference mode, one batch).") { model, images, labels, count, csv, threads, device };
        command.SetAction(parse =>
        {
            NativeRuntime.SetThreads(parse.GetValue(threads));
            using var trained = ModelFile.Load(parse.GetValue(model)!, parse.GetValue(device)!);
            string imagesPath = parse.GetValue(images)!;
            if (Directory.Exists(imagesPath) || ImageFiles.HasImageExtension(imagesPath))
            {
                return PredictImageFiles(trained, imagesPath, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            }

            var data = IdxImageLoader.LoadImagesOnly(imagesPath, parse.GetValue(labels));
            int n = Math.Min(Math.Max(parse.GetValue(count), 1), data.Count);
            var network = trained.Network;
            if (data.PixelsPerImage != network.InputSize)
            {
                throw new InvalidDataException($"{data.Source} holds {data.Height}x{data.Width} images; the model expects {network.Spec.Height}x{network.Spec.Width}.");
            }

            var input = new float[n * network.InputSize];
            for (int i = 0; i < n; i++)
            {
                data.CopyImage(i, input.AsSpan(i * network.InputSize, network.InputSize));
            }

            var labelNames = trained.LabelNames;
            Func<int, string> truth = parse.GetValue(labels) is null ? _ => "" : i => $"  true: {labelNames[data.GetLabel(i)]}";
            PredictionReport.ScoreAndWrite(trained, input, n, i => i.ToString(CultureInfo.InvariantCulture), truth, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }

    // Image files: every image file of a folder (sorted by name) or one file, decoded to the model's
    // input size and scored in one batch; each line names the file.
    private static int PredictImageFiles(TrainedNetwork trained, string path, string? csvPath, TextWriter output)
    {
        string[] files = Directory.Exists(path)
            ? Directory.GetFiles(path).Where(ImageFiles.HasImageExtension).Order(StringComparer.Ordinal).ToArray()
            : [path];
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{path} holds no image files ({string.Join(", ", ImageFiles.Extensions)}).");
        }

        var network = trained.Network;
        int n = files.Length;
        var input = new float[n * network.InputSize];
        for (int i = 0; i < n; i++)
        {
            ImageFiles.ReadGray(files[i], network.Spec.Height, network.Spec.Width, input.AsSpan(i * network.InputSize, network.InputSize));
        }

        PredictionReport.ScoreAndWrite(trained, input, n, i => Path.GetFileName(files[i]), _ => "", csvPath, output);
        return ExitCodes.Success;
    }
}
