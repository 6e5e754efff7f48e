namespace Ml.BatchNorm.Onnx;

/// <summary>The names of an ONNX model's input and outputs, as written by <see cref="OnnxNetworkWriter"/>.</summary>
/// <param name="Input">The float [N, pixels] input.</param>
/// <param name="Score">The float [N, classes] probabilities.</param>
/// <param name="PredictedIndex">The int64 [N] argmax output, or null when the graph has none.</param>
public sealed record OnnxGraphNames(string Input, string Score, string? PredictedIndex);
