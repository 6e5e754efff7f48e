using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm;

/// <summary>
/// The trained network inside a fitted <see cref="BatchNormCnnTransformer"/> (its <c>Model</c>), or reopened from a
/// saved ML.NET model file with <see cref="Load"/> for recalibration, fine-tuning or diagnostics. Dispose it to
/// release the engine's network.
/// </summary>
public sealed class BatchNormCnnModel : IDisposable
{
    /// <summary>Wraps a trained network; takes ownership of <paramref name="trained"/>.</summary>
    public BatchNormCnnModel(TrainedNetwork trained, string? trainingOptionsJson = null)
    {
        ArgumentNullException.ThrowIfNull(trained);
        Trained = trained;
        TrainingOptionsJson = trainingOptionsJson;
    }

    /// <summary>The engine's network (inference mode for scoring), its class names and, after training in this process, its training summary.</summary>
    public TrainedNetwork Trained { get; }

    /// <summary>The network's layers and input shape.</summary>
    public NetworkSpec Spec => Trained.Network.Spec;

    /// <summary>Class names in class-index order (the label's key values as text): Score's slot names.</summary>
    public IReadOnlyList<string> ClassNames => Trained.LabelNames;

    /// <summary>The training options the network was trained with, as JSON, when known.</summary>
    public string? TrainingOptionsJson { get; }

    /// <summary>
    /// Reopens the network of a model file saved with <c>mlContext.Model.Save</c> from a pipeline holding
    /// BatchNormCnn (or an .onnx file written by this library).
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, not an ML.NET or ONNX model, truncated, or its ONNX graph lacks this library's metadata; the message names the file.</exception>
    public static BatchNormCnnModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (trained, trainingJson) = NetworkGraph.Read(path);
        return new BatchNormCnnModel(trained, trainingJson);
    }

    /// <summary>
    /// Writes the network alone as an ONNX model for other runtimes (input "Features" float [N, C×H×W] → "Score"
    /// float [N, classes]; standard operators, opset 13), atomically.
    /// </summary>
    public void ExportOnnx(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var bytes = NetworkGraph.ForOtherRuntimes(Trained, "Features", TrainingOptionsJson);
        AtomicFile.Write(path, s => s.Write(bytes));
    }

    /// <summary>Releases the engine's network.</summary>
    public void Dispose() => Trained.Dispose();
}
