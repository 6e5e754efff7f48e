namespace Ml.BatchNorm.Onnx;

/// <summary>
/// What <see cref="OnnxNetworkWriter"/> puts into the ONNX graph besides the network: the names of its
/// input and outputs, the predicted-index output, the class names (as ML.NET slot names on the score
/// output) and the strings kept in the model's metadata. The defaults are the graph that ML.NET's
/// <c>ApplyOnnxModel</c> runs; <see cref="ForOtherRuntimes"/> gives the plain graph for other runtimes.
/// </summary>
public sealed record OnnxNetworkOptions
{
    /// <summary>Name of the graph input, float [N, channels × height × width] in the engine's order (channel, row, column). Default "Features".</summary>
    public string InputName { get; init; } = "Features";

    /// <summary>Name of the class-probability output, float [N, classes] (softmax of the last layer). Default "Score".</summary>
    public string ScoreName { get; init; } = "Score";

    /// <summary>
    /// Name of the output holding each row's most probable class index, int64 [N] (the argmax of the
    /// last layer, as the engine computes predictions), or null for none. Default "PredictedIndex".
    /// </summary>
    public string? PredictedIndexName { get; init; } = "PredictedIndex";

    /// <summary>
    /// Whether to add the node that makes ML.NET's ONNX transformer attach <see cref="LabelNames"/> as
    /// slot names to the score output (an ai.onnx.ml LabelEncoder named "mlnet.SCORE.SlotNames" whose
    /// keys_strings are the class names, with an int64 output "mlnet.SCORE.unusedOutput" that ML.NET
    /// ignores). Only when <see cref="LabelNames"/> are given: without them the graph has no such node. Default true.
    /// </summary>
    public bool IncludeSlotNames { get; init; } = true;

    /// <summary>The class names in class-index order (stored in the metadata and used as slot names), or null.</summary>
    public IReadOnlyList<string>? LabelNames { get; init; }

    /// <summary>The training options as JSON, kept verbatim in the metadata for whoever reads the model back, or null.</summary>
    public string? TrainingOptionsJson { get; init; }

    /// <summary>
    /// Whether a batch norm followed by CReLU (and max pooling) is written as Concat(BN(x), BN⁻(x)) → MaxPool → Relu,
    /// BN⁻ being the batch norm with negated scale and shift (exact, and cheap for ONNX Runtime), rather than
    /// the literal Concat(Relu(x), Relu(Neg(x))) after the batch norm. Internal: the literal form is the
    /// reference the benchmarks and tests compare with. Default true.
    /// </summary>
    internal bool NegatedBatchNormCRelu { get; init; } = true;

    /// <summary>
    /// The same options for runtimes other than ML.NET: input → score only, standard ONNX operators only
    /// (no predicted-index output, no ai.onnx.ml slot-name node). The metadata stays.
    /// </summary>
    public OnnxNetworkOptions ForOtherRuntimes() => this with { PredictedIndexName = null, IncludeSlotNames = false };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid option.</summary>
    /// <param name="classes">The network's number of outputs.</param>
    public void Validate(int classes)
    {
        RequireName(InputName, nameof(InputName));
        RequireName(ScoreName, nameof(ScoreName));
        if (PredictedIndexName is not null)
        {
            RequireName(PredictedIndexName, nameof(PredictedIndexName));
        }

        var names = new[] { InputName, ScoreName, PredictedIndexName }.Where(n => n is not null).ToList();
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
        {
            throw new ArgumentException($"{nameof(OnnxNetworkOptions)}: the input and output names must differ; got {string.Join(", ", names.Select(n => $"'{n}'"))}.");
        }

        if (LabelNames is not null && LabelNames.Count != classes)
        {
            throw new ArgumentException($"{nameof(OnnxNetworkOptions)}.{nameof(LabelNames)} holds {LabelNames.Count} names; the network has {classes} outputs.", nameof(LabelNames));
        }

    }

    private static void RequireName(string name, string option)
    {
        if (string.IsNullOrWhiteSpace(name) || name.StartsWith("mlnet.", StringComparison.Ordinal))
        {
            throw new ArgumentException($"{nameof(OnnxNetworkOptions)}.{option} must be a non-empty name not starting with 'mlnet.' (ML.NET reserves it); got '{name}'.", option);
        }
    }
}
