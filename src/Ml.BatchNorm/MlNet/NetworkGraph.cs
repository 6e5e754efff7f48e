using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm;

/// <summary>The face's one door to the Onnx layer: the scoring graph of a network, and a network read back from a model file.</summary>
internal static class NetworkGraph
{
    /// <summary>The ML.NET scoring graph: input → Score (with slot names) and the argmax index.</summary>
    public static byte[] ForMlNet(TrainedNetwork trained, string inputName, string? trainingOptionsJson) =>
        throw new NotSupportedException("ONNX writer not merged yet.");

    /// <summary>The network alone (input → Score, standard operators only) for other runtimes.</summary>
    public static byte[] ForOtherRuntimes(TrainedNetwork trained, string inputName, string? trainingOptionsJson) =>
        throw new NotSupportedException("ONNX writer not merged yet.");

    /// <summary>The network, class names and training options JSON of an ML.NET model file or .onnx file written by this library.</summary>
    public static (TrainedNetwork Trained, string? TrainingOptionsJson) Read(string path) =>
        throw new NotSupportedException("ONNX reader not merged yet.");
}
