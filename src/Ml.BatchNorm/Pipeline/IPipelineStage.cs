using System.Text.Json.Nodes;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A transformer that can be written to a pipeline model file: one manifest entry (tag, version, parameters) plus
/// optional binary entries. The tag's factory in <see cref="PipelineStageRegistry"/> reads it back.
/// </summary>
internal interface IPipelineStage
{
    /// <summary>The stage's type tag in the manifest, e.g. "map-value-to-key".</summary>
    string StageTag { get; }

    /// <summary>The revision of the stage's parameters this build writes (and the newest it reads).</summary>
    int StageVersion { get; }

    /// <summary>The stage's parameters; binary payloads go into <paramref name="entries"/> under names starting with <paramref name="entryPrefix"/>.</summary>
    JsonObject Save(IDictionary<string, byte[]> entries, string entryPrefix);
}
