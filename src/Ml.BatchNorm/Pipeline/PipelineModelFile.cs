using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A fitted pipeline as one file: a <see cref="ModelArchive"/> of format "mlbn-pipeline" whose manifest body holds
/// the input schema and the stages in order (tag, version, parameters), with each stage's binary payloads (network
/// weights in safetensors layout) as entries named "stage{i}.…".
/// </summary>
internal static class PipelineModelFile
{
    public const string Format = "mlbn-pipeline";
    public const int FormatVersion = 1;

    public static void Save(ITransformer model, DataViewSchema inputSchema, string path)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(inputSchema);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);

        // Saving a model that cannot read its own input schema would only fail later, at load or scoring time.
        model.GetOutputSchema(inputSchema);
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var stages = new JsonArray();
        int index = 0;
        foreach (var transformer in Flatten(model))
        {
            if (transformer is not IPipelineStage stage)
            {
                throw new ArgumentException($"Pipeline stage {index} ({transformer.GetType().Name}) cannot be saved to a model file.", nameof(model));
            }

            stages.Add(new JsonObject
            {
                ["tag"] = stage.StageTag,
                ["version"] = stage.StageVersion,
                ["parameters"] = stage.Save(entries, StageLoadContext.EntryPrefixOf(index)),
            });
            index++;
        }

        var body = new JsonObject { ["inputSchema"] = SchemaJson.WriteSchema(inputSchema), ["stages"] = stages };
        ModelArchive.Write(path, Format, FormatVersion, body, entries);
    }

    public static TransformerChain<ITransformer> Load(string path, out DataViewSchema inputSchema, string device = "cpu")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var archive = ModelArchive.Read(path, Format, FormatVersion);
        JsonArray stages;
        try
        {
            inputSchema = SchemaJson.ReadSchema(archive.Body["inputSchema"]?.AsArray() ?? throw new JsonException("no inputSchema"));
            stages = archive.Body["stages"]?.AsArray() ?? throw new JsonException("no stages");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or ArgumentException)
        {
            throw new ModelFileException(path, $"the manifest does not describe a pipeline ({e.Message}).", e);
        }

        var transformers = new List<ITransformer>();
        try
        {
            for (int i = 0; i < stages.Count; i++)
            {
                transformers.Add(LoadStage(archive, i, stages[i], device));
            }

            if (transformers.Count == 0)
            {
                throw new ModelFileException(path, "the pipeline has no stages.");
            }

            var chain = new TransformerChain<ITransformer>(transformers.ToArray());
            chain.GetOutputSchema(inputSchema);
            return chain;
        }
        catch (Exception e)
        {
            foreach (var transformer in transformers)
            {
                (transformer as IDisposable)?.Dispose();
            }

            if (e is ArgumentException)
            {
                throw new ModelFileException(path, $"its stages do not fit its input schema ({e.Message}).", e);
            }

            throw;
        }
    }

    private static ITransformer LoadStage(ModelArchive archive, int index, JsonNode? node, string device)
    {
        string path = archive.Path;
        string tag;
        int version;
        JsonObject parameters;
        try
        {
            tag = node?["tag"]?.GetValue<string>() ?? throw new JsonException("no tag");
            version = node["version"]?.GetValue<int>() ?? throw new JsonException("no version");
            parameters = node["parameters"]?.AsObject() ?? throw new JsonException("no parameters");
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new ModelFileException(path, $"stage {index} is malformed ({e.Message}).", e);
        }

        if (!PipelineStageRegistry.TryGet(tag, out int newest, out var load))
        {
            throw new ModelFileException(path, $"stage {index} has the unknown tag '{tag}'; this build knows {string.Join(", ", PipelineStageRegistry.KnownTags)}. The file may come from a newer version of Ml.BatchNorm.");
        }

        if (version > newest || version < 1)
        {
            throw new ModelFileException(path, $"stage {index} ('{tag}') is version {version}; this build reads versions 1 to {newest}. The file may come from a newer version of Ml.BatchNorm.");
        }

        try
        {
            return load(new StageLoadContext(archive, index, version, parameters, device));
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException or InvalidDataException or NullReferenceException or ArgumentException)
        {
            throw new ModelFileException(path, $"stage {index} ('{tag}') cannot be loaded: {e.Message}", e);
        }
    }

    private static IEnumerable<ITransformer> Flatten(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Flatten) : [model];
}
