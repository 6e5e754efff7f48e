namespace Ml.BatchNorm.Onnx;

/// <summary>The keys of the model's metadata_props this library writes and reads.</summary>
public static class OnnxMetadataKeys
{
    /// <summary>Names the format: its value is <see cref="FormatName"/>.</summary>
    public const string Format = "mlbn.format";

    /// <summary>The format version (an integer); a reader refuses a newer one than it knows.</summary>
    public const string FormatVersion = "mlbn.format_version";

    /// <summary>The network spec as JSON (<see cref="Engine.NetworkSpec.ToJson"/>).</summary>
    public const string NetworkSpec = "mlbn.network_spec";

    /// <summary>The caller's training options JSON, verbatim.</summary>
    public const string TrainingOptions = "mlbn.training_options";

    /// <summary>The class names as a JSON array of strings, in class-index order.</summary>
    public const string LabelNames = "mlbn.label_names";

    /// <summary>The graph's input and output names as a JSON object (input, score, predictedIndex).</summary>
    public const string GraphNames = "mlbn.graph_names";

    /// <summary>
    /// Statistics the inference graph does not use but training does (batch counters, renorm
    /// statistics), as a JSON object: name → { shape, base64 little-endian float32 data }.
    /// </summary>
    public const string ExtraTensors = "mlbn.extra_tensors";

    /// <summary>The value of <see cref="Format"/>.</summary>
    public const string FormatName = "Ml.BatchNorm.Network";

    /// <summary>The format version this library writes and the newest it reads.</summary>
    public const int CurrentFormatVersion = 1;
}
