using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Pipeline;

/// <summary>What a stage factory gets: its manifest parameters, its version, and the archive for its binary entries.</summary>
internal sealed class StageLoadContext(ModelArchive archive, int stageIndex, int version, JsonObject parameters, string device = "cpu")
{
    /// <summary>Where stages that hold a network put it: "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; } = device;

    /// <summary>The file being loaded.</summary>
    public string Path => archive.Path;

    /// <summary>The revision of the stage that wrote the parameters.</summary>
    public int Version { get; } = version;

    /// <summary>The stage's parameters.</summary>
    public JsonObject Parameters { get; } = parameters;

    /// <summary>The prefix of this stage's binary entries (the same one it was saved with).</summary>
    public string EntryPrefix { get; } = EntryPrefixOf(stageIndex);

    public static string EntryPrefixOf(int stageIndex) => $"stage{stageIndex}.";

    /// <summary>A binary entry of this stage, checksum-verified.</summary>
    public byte[] ReadEntry(string name) => archive.ReadEntry(EntryPrefix + name);

    /// <summary>A string parameter that must be present.</summary>
    public string RequiredString(string name) =>
        Parameters[name]?.GetValue<string>() ?? throw new JsonException($"parameter '{name}' is missing");
}
