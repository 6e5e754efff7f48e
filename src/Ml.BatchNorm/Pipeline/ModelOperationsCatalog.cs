using Ml.BatchNorm.Data;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Pipeline;

/// <summary>Saving, loading and prediction engines: <c>ctx.Model</c>.</summary>
public sealed class ModelOperationsCatalog
{
    internal ModelOperationsCatalog()
    {
    }

    /// <summary>The format tag of pipeline model files.</summary>
    public const string Format = PipelineModelFile.Format;

    /// <summary>The newest pipeline file version this build writes and reads.</summary>
    public const int FormatVersion = PipelineModelFile.FormatVersion;

    /// <summary>
    /// Writes <paramref name="model"/> and the schema of the data it reads to one file (atomically): a zip with a JSON
    /// manifest (input schema; each stage's tag, version and parameters) and the network weights in safetensors layout.
    /// </summary>
    /// <exception cref="ArgumentException">A stage cannot be saved, or the model does not fit <paramref name="inputSchema"/>.</exception>
    public void Save(ITransformer model, DataViewSchema inputSchema, string path) => PipelineModelFile.Save(model, inputSchema, path);

    /// <summary>
    /// Loads a model written by <see cref="Save"/>; <paramref name="inputSchema"/> receives the schema it was saved with.
    /// A network saved by the engine (<see cref="Engine.ModelFile"/>, as <c>mlbn train</c> writes) loads too, as the
    /// chain MapValueToKey("Label") → BatchNormCnn("Image") → MapKeyToValue("PredictedLabel") over the IDX loaders'
    /// schema, with the model's class names as key names.
    /// </summary>
    /// <exception cref="ModelFileException">The file is missing, damaged, foreign, newer, or has an unknown stage; the message names the file and the reason.</exception>
    public ITransformer Load(string path, out DataViewSchema inputSchema) => Load(path, out inputSchema, "cpu");

    /// <summary>Loads a model as <see cref="Load(string, out DataViewSchema)"/> does, with its networks on <paramref name="device"/> ("cpu", "cuda" or "cuda:N").</summary>
    /// <exception cref="ModelFileException">The file is missing, damaged, foreign, newer, or has an unknown stage.</exception>
    public ITransformer Load(string path, out DataViewSchema inputSchema, string device)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(device);
        if (Engine.ModelFile.IsModelFile(path))
        {
            var trained = Engine.ModelFile.Load(path, device);
            try
            {
                return EngineModelPipeline.Create(trained, threads: 0, out inputSchema);
            }
            catch
            {
                trained.Dispose();
                throw;
            }
        }

        return PipelineModelFile.Load(path, out inputSchema, device);
    }

    /// <summary>An engine that scores one object at a time (for one thread at a time; see <see cref="PredictionEngine{TIn, TOut}"/>).</summary>
    /// <exception cref="ArgumentException">A member of <typeparamref name="TIn"/> or <typeparamref name="TOut"/> does not fit the model's columns.</exception>
    public PredictionEngine<TIn, TOut> CreatePredictionEngine<TIn, TOut>(ITransformer model)
        where TIn : class
        where TOut : class, new() => new(model);

    /// <summary>A thread-safe pool of prediction engines over <paramref name="model"/>.</summary>
    public PredictionEnginePool<TIn, TOut> CreatePredictionEnginePool<TIn, TOut>(ITransformer model)
        where TIn : class
        where TOut : class, new() => new(model);
}
