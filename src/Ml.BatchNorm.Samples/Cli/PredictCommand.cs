using System.CommandLine;
using System.Globalization;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn predict</c>: prints the predicted label and probabilities for IDX images, or for image files read through
/// ML.NET's ImageAnalytics chain (<see cref="ImageFeaturesCatalog.LoadGrayscaleImageFeatures"/>), scored by the
/// ML.NET model file.
/// </summary>
internal static class PredictCommand
{
    public static Command Create()
    {
        var model = DataOptions.Model("The model file to score with.", required: true);
        var images = new Option<string>("--images") { Description = "IDX image file (raw or .gz), a PNG/JPEG/BMP file, or a folder of them, to score.", Required = true };
        var labels = new Option<string?>("--labels") { Description = "Matching IDX label file: adds the true label to each line." };
        var count = new Option<int>("--count") { Description = "Score the first N images.", DefaultValueFactory = _ => 10 };
        var csv = new Option<string?>("--output") { Description = "Also write index, predicted label and every probability (round-trip precision) as CSV to this file." };
        var command = new Command("predict", "Predict labels for IDX images or image files with a saved model (inference mode).") { model, images, labels, count, csv };
        command.SetAction(parse =>
        {
            var loaded = LoadedModel.Load(parse.GetValue(model)!);
            string imagesPath = parse.GetValue(images)!;
            if (Directory.Exists(imagesPath) || ImageFeaturesCatalog.ImageFileExtensions.Contains(Path.GetExtension(imagesPath).ToLowerInvariant()))
            {
                return PredictImageFiles(loaded, imagesPath, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            }

            var data = IdxImageLoader.LoadImagesOnly(imagesPath, parse.GetValue(labels));
            if (data.PixelsPerImage != loaded.FeatureSize)
            {
                throw new InvalidDataException($"{data.Source} holds {data.Height}x{data.Width} images; {loaded.Path} reads {loaded.FeatureSize} values per image.");
            }

            data = data.Take(Math.Min(Math.Max(parse.GetValue(count), 1), data.Count));
            int classes = loaded.ClassNames.Count;
            var probabilities = LoadedModel.Probabilities(loaded.Transform(loaded.View(data)), classes);
            Func<int, string> truth = parse.GetValue(labels) is null ? _ => "" : i => $"  true: {(data.GetLabel(i) < classes ? loaded.ClassNames[data.GetLabel(i)] : data.GetLabel(i).ToString(CultureInfo.InvariantCulture))}";
            PredictionReport.Write(probabilities, data.Count, loaded.ClassNames, i => i.ToString(CultureInfo.InvariantCulture), truth, parse.GetValue(csv), parse.InvocationConfiguration.Output);
            return ExitCodes.Success;
        });
        return command;
    }

    // Image files: every image file of a folder (sorted by name) or one file, through LoadImages, ResizeImages,
    // ConvertToGrayscale and ExtractPixels (pixel / 255) into the model; each line names the file.
    private static int PredictImageFiles(LoadedModel loaded, string path, string? csvPath, TextWriter output)
    {
        var ml = loaded.Ml;
        var files = ml.Data.LoadFromImageFiles(path);
        var paths = files.GetColumn<string>(ImageFeaturesCatalog.DefaultImagePathColumnName).ToArray();
        if (paths.Length == 0)
        {
            throw new InvalidDataException($"{path} holds no image files ({string.Join(", ", ImageFeaturesCatalog.ImageFileExtensions)}).");
        }

        // The saved pipeline maps "Label" first, so the rows carry one (unused for prediction).
        var rows = ml.Data.LoadFromEnumerable(paths.Select(p => new ImageFile { ImagePath = p }));
        var features = ml.Transforms.LoadGrayscaleImageFeatures("Features", nameof(ImageFile.ImagePath), loaded.Side, loaded.Side).Fit(rows).Transform(rows);
        var probabilities = LoadedModel.Probabilities(loaded.Transform(features), loaded.ClassNames.Count);
        PredictionReport.Write(probabilities, paths.Length, loaded.ClassNames, i => Path.GetFileName(paths[i]), _ => "", csvPath, output);
        return ExitCodes.Success;
    }

    private sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";

        public uint Label { get; set; }
    }
}
