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

            var probabilities = new float[n * network.OutputSize];
            network.Score(input, n, probabilities);
            var output = parse.InvocationConfiguration.Output;
            if (parse.GetValue(csv) is { } csvPath)
            {
                PredictionCsv.Write(csvPath, probabilities, n, trained.LabelNames);
            }

            for (int i = 0; i < n; i++)
            {
                var row = probabilities.AsSpan(i * network.OutputSize, network.OutputSize);
                int best = 0;
                for (int c = 1; c < row.Length; c++)
                {
                    if (row[c] > row[best])
                    {
                        best = c;
                    }
                }

                string truth = parse.GetValue(labels) is null ? "" : $"  true: {trained.LabelNames[data.GetLabel(i)]}";
                var values = row.ToArray();
                string all = string.Join(" ", values.Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));
                output.WriteLine($"{i}: {trained.LabelNames[best]} ({row[best].ToString("0.000", CultureInfo.InvariantCulture)}){truth}  [{all}]");
            }

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

        var probabilities = new float[n * network.OutputSize];
        network.Score(input, n, probabilities);
        if (csvPath is not null)
        {
            PredictionCsv.Write(csvPath, probabilities, n, trained.LabelNames);
        }

        for (int i = 0; i < n; i++)
        {
            var row = probabilities.AsSpan(i * network.OutputSize, network.OutputSize);
            int best = 0;
            for (int c = 1; c < row.Length; c++)
            {
                if (row[c] > row[best])
                {
                    best = c;
                }
            }

            string all = string.Join(" ", row.ToArray().Select(v => v.ToString("0.000", CultureInfo.InvariantCulture)));
            output.WriteLine($"{Path.GetFileName(files[i])}: {trained.LabelNames[best]} ({row[best].ToString("0.000", CultureInfo.InvariantCulture)})  [{all}]");
        }

        return ExitCodes.Success;
    }
}
