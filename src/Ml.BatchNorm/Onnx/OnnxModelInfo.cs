using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Onnx;

/// <summary>What an ONNX model written by <see cref="OnnxNetworkWriter"/> says about itself in its metadata.</summary>
/// <param name="Source">The file it was read from (or the description the caller gave).</param>
/// <param name="FormatVersion">The format version it was written in.</param>
/// <param name="Spec">The network spec.</param>
/// <param name="LabelNames">The class names in class-index order, or null when none were written.</param>
/// <param name="TrainingOptionsJson">The training options JSON as written, or null.</param>
/// <param name="GraphNames">The graph's input and output names.</param>
public sealed record OnnxModelInfo(
    string Source,
    int FormatVersion,
    NetworkSpec Spec,
    IReadOnlyList<string>? LabelNames,
    string? TrainingOptionsJson,
    OnnxGraphNames GraphNames);
