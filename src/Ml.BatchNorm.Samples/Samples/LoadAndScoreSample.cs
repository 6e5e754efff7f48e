using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Load a saved pipeline in a fresh context and score single images with a prediction engine.</summary>
internal sealed class LoadAndScoreSample : ISample
{
    public string Name => "load-and-score";

    public string Description => "Load the model saved by train-and-save and predict test images one at a time.";

    public void Run(SampleSettings settings, TextWriter output)
    {
        if (!File.Exists(settings.ModelPath))
        {
            throw new FileNotFoundException($"{settings.ModelPath}: run 'mlbn sample train-and-save' first (same --work folder).", settings.ModelPath);
        }

        // A model file keeps no ONNX Runtime settings; ML.NET's ONNX transformer takes them from the loading context.
        // Left to itself ONNX Runtime pins one thread to each physical core, and a prediction engine's calling
        // thread then competes with a pinned one; an explicit count is not pinned (p50 per image about 30% lower
        // on 2 cores, docs/PERFORMANCE.md, "Scoring").
        var ctx = new MLContext();
        ((IHostEnvironment)ctx).SetOnnxSessionOption(new OnnxSessionOptions { IntraOpNumThreads = Environment.ProcessorCount, InterOpNumThreads = 1 });
        var model = ctx.Model.Load(settings.ModelPath, out DataViewSchema inputSchema);
        output.WriteLine($"loaded {settings.ModelPath}; it expects {string.Join(", ", inputSchema.Select(c => $"{c.Name}: {c.Type}"))}");

        // ML.NET's prediction engine scores one object at a time and is not thread-safe: one per thread.
        var engine = ctx.Model.CreatePredictionEngine<FashionImage, FashionPrediction>(model);
        var test = IdxImageLoader.Load(settings.TestImages, settings.TestLabels);
        int count = Math.Min(settings.TestRows ?? 10, 10);
        for (int i = 0; i < count; i++)
        {
            var image = new FashionImage { Features = new float[test.PixelsPerImage] };
            test.CopyImage(i, image.Features);
            var prediction = engine.Predict(image);
            output.WriteLine($"image {i}: predicted {prediction.PredictedLabel} (p = {prediction.Score.Max():F3}), true {test.GetLabel(i)}");
        }
    }

    /// <summary>The input: one 28x28 image as 784 floats in [0, 1].</summary>
    internal sealed class FashionImage
    {
        // The pipeline starts with MapValueToKey("Label"), so its input schema has a label, as in
        // ML.NET; its value does not affect the prediction.
        public uint Label { get; set; }

        [VectorType(784)]
        public float[] Features { get; set; } = [];
    }

    /// <summary>The output: the label value (after MapKeyToValue) and the class probabilities.</summary>
    internal sealed class FashionPrediction
    {
        public uint PredictedLabel { get; set; }

        public float[] Score { get; set; } = [];
    }
}
