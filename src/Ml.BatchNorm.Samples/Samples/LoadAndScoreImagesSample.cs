using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Score image files: PNGs through LoadImages, ResizeImages, ConvertToGrayscale and ExtractPixels, then the saved model.</summary>
internal sealed class LoadAndScoreImagesSample : ISample
{
    public string Name => "load-and-score-images";

    public string Description => "Write a few test images as PNG files, then score the folder with the model saved by train-and-save.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        if (!File.Exists(settings.ModelPath))
        {
            throw new FileNotFoundException($"{settings.ModelPath}: run 'mlbn sample train-and-save' first (same --work folder).", settings.ModelPath);
        }

        // Some images to score: test images written losslessly as PNG files.
        string folder = Path.Combine(settings.WorkFolder, "sample-images");
        var files = WritePngs(settings, folder, count: Math.Min(settings.TestRows ?? 8, 8));

        var ctx = new MLContext();
        var model = ctx.Model.Load(settings.ModelPath, out _);
        IDataView images = ctx.Data.LoadFromEnumerable(files);

        // ML.NET's image transforms (LoadImages, ResizeImages, ConvertToGrayscale, ExtractPixels, then / 255) turn each
        // file into the 784 floats in [0, 1] the model was trained on.
        var toPixels = ctx.Transforms.LoadGrayscaleImageFeatures("Features", "ImagePath", imageHeight: 28, imageWidth: 28, imageFolder: folder);
        var scored = model.Transform(toPixels.Fit(images).Transform(images));

        // The scored view's "Label" is now a key; the true label is read from the file list instead.
        var predictions = ctx.Data.CreateEnumerable<ImagePrediction>(scored, reuseRowObject: false).ToList();
        for (int i = 0; i < predictions.Count; i++)
        {
            output.WriteLine($"{files[i].ImagePath}: predicted {predictions[i].PredictedLabel} (p = {predictions[i].Score.Max():F3}), true {files[i].Label}");
        }

        (model as IDisposable)?.Dispose();
    }

    private static List<ImageFile> WritePngs(SampleSettings settings, string folder, int count)
    {
        Directory.CreateDirectory(folder);
        var test = IdxImageLoader.Load(settings.TestImages, settings.TestLabels);
        var files = new List<ImageFile>();
        for (int i = 0; i < count; i++)
        {
            string name = $"test-{i}.png";
            ImageFiles.WriteGray(Path.Combine(folder, name), test.PixelBytes.Slice(i * test.PixelsPerImage, test.PixelsPerImage), test.Height, test.Width);
            files.Add(new ImageFile { ImagePath = name, Label = (uint)test.GetLabel(i) });
        }

        return files;
    }

    /// <summary>What is read back: the label value (after MapKeyToValue) and the class probabilities.</summary>
    internal sealed class ImagePrediction
    {
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];
    }

    /// <summary>A file to score. The saved pipeline starts with MapValueToKey("Label"), so the input has a label too.</summary>
    internal sealed class ImageFile
    {
        public string ImagePath { get; set; } = "";

        public uint Label { get; set; }
    }
}
