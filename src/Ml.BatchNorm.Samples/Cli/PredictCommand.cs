using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary><c>mlbn predict</c>: prints the predicted label and probabilities for IDX images or image files, scored through the pipeline API.</summary>
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
            TorchThreads.Apply(parse.GetValue(threads));
            using var loaded = LoadedModel.Load(parse.GetValue(model)!, parse.GetValue(device)!, parse.GetValue(threads));
            string imagesPath = parse.GetValue(images)!;
            if (Directory.Exists(imagesPath) || ImageFiles.HasImageExtension(imagesPath))
            {
                return PredictImageFiles(loaded, imagesPath, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            }

            var data = IdxImageLoader.LoadImagesOnly(imagesPath, parse.GetValue(labels));
            if (data.Height != loaded.Height || data.Width != loaded.Width)
            {
                throw new InvalidDataException($"{data.Source} holds {data.Height}x{data.Width} images; the model expects {loaded.Height}x{loaded.Width}.");
            }

            data = data.Take(Math.Min(Math.Max(parse.GetValue(count), 1), data.Count));
            var probabilities = loaded.Probabilities(data);
            Func<int, string> truth = parse.GetValue(labels) is null ? _ => "" : i => $"  true: {(data.GetLabel(i) < loaded.ClassNames.Count ? loaded.ClassNames[data.GetLabel(i)] : data.GetLabel(i).ToString(CultureInfo.InvariantCulture))}";
            PredictionReport.Write(probabilities, data.Count, loaded.ClassNames, i => i.ToString(CultureInfo.InvariantCulture), truth, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }

    // Image files: every image file of a folder (sorted by name) or one file, decoded by OpenCV to the model's
    // input size (pixel / 255, as the IDX loaders scale) and scored through the model; each line names the file.
    private static int PredictImageFiles(LoadedModel loaded, string path, string? csvPath, TextWriter output)
    {
        string[] files = Directory.Exists(path)
            ? Directory.GetFiles(path).Where(ImageFiles.HasImageExtension).Order(StringComparer.Ordinal).ToArray()
            : [path];
        if (files.Length == 0)
        {
            throw new InvalidDataException($"{path} holds no image files ({string.Join(", ", ImageFiles.Extensions)}).");
        }

        int pixels = loaded.Height * loaded.Width;
        var image = new float[pixels];
        var bytes = new byte[files.Length * pixels];
        for (int i = 0; i < files.Length; i++)
        {
            ImageFiles.ReadGray(files[i], loaded.Height, loaded.Width, image);
            for (int p = 0; p < pixels; p++)
            {
                bytes[(i * pixels) + p] = (byte)MathF.Round(image[p] * 255f);
            }
        }

        var data = ImageDataset.FromBytes(bytes, new byte[files.Length], loaded.Height, loaded.Width, loaded.ClassNames, path);
        PredictionReport.Write(loaded.Probabilities(data), files.Length, loaded.ClassNames, i => Path.GetFileName(files[i]), _ => "", csvPath, output);
        return ExitCodes.Success;
    }
}
