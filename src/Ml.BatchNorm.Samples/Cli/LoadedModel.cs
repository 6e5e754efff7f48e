using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// A model file loaded through the pipeline API (<c>ctx.Model.Load</c>), which reads both pipeline files and the
/// engine files <c>mlbn train</c> writes; the commands score and evaluate through its <c>Transform</c>.
/// </summary>
internal sealed class LoadedModel : IDisposable
{
    private LoadedModel(string path, bool isEngineFile, ITransformer model, DataViewSchema inputSchema, BatchNormCnnTransformer network)
    {
        Path = path;
        IsEngineFile = isEngineFile;
        Model = model;
        InputSchema = inputSchema;
        Network = network;
    }

    public string Path { get; }

    /// <summary>True for an engine model file (<see cref="ModelFile"/>), false for a pipeline file.</summary>
    public bool IsEngineFile { get; }

    /// <summary>The network and its class names (shared with <see cref="Model"/>: changes to it are saved).</summary>
    public TrainedNetwork Trained => Network.Model;

    public ITransformer Model { get; }

    public DataViewSchema InputSchema { get; }

    /// <summary>The network stage: class names, input size.</summary>
    public BatchNormCnnTransformer Network { get; }

    public IReadOnlyList<string> ClassNames => Network.Model.LabelNames;

    public int Height => Network.Model.Network.Spec.Height;

    public int Width => Network.Model.Network.Spec.Width;

    public static LoadedModel Load(string path, string device, int threads)
    {
        bool isEngineFile = ModelFile.IsModelFile(path);
        var model = new MlBnContext().Model.Load(path, out var inputSchema, device);
        var network = Stages(model).OfType<BatchNormCnnTransformer>().LastOrDefault();
        if (network is null)
        {
            (model as IDisposable)?.Dispose();
            throw new InvalidDataException($"{path} holds a pipeline without a BatchNormCnn stage; there is no network to score with.");
        }

        network.Threads = threads;
        return new LoadedModel(path, isEngineFile, model, inputSchema, network);
    }

    /// <summary>Writes the model (with any change made to its network) in the kind of file it was read from, atomically.</summary>
    public void Save(string path)
    {
        if (IsEngineFile)
        {
            ModelFile.Save(Trained, path);
        }
        else
        {
            new MlBnContext().Model.Save(Model, InputSchema, path);
        }
    }

    /// <summary>The scored view of <paramref name="data"/> ("Label", "Image", then the model's columns), checked against the model's input first.</summary>
    public IDataView Transform(ImageDataset data)
    {
        var view = DataViewLoaders.FromImageDataset(data);
        try
        {
            Model.GetOutputSchema(view.Schema);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"{Path} cannot score {data.Source}: {e.Message}", e);
        }

        return Model.Transform(view);
    }

    /// <summary>The "Score" column of every row, row after row.</summary>
    public float[] Probabilities(ImageDataset data)
    {
        var scored = Transform(data);
        var column = scored.Schema["Score"];
        int classes = ClassNames.Count;
        var probabilities = new float[data.Count * classes];
        using var cursor = scored.GetRowCursor([column]);
        var read = cursor.GetGetter<VBuffer<float>>(column);
        var score = default(VBuffer<float>);
        int row = 0;
        while (cursor.MoveNext())
        {
            read(ref score);
            score.GetValues().CopyTo(probabilities.AsSpan(row * classes, classes));
            row++;
        }

        return probabilities;
    }

    public void Dispose() => (Model as IDisposable)?.Dispose();

    private static IEnumerable<ITransformer> Stages(ITransformer model) =>
        model is IEnumerable<ITransformer> chain ? chain.SelectMany(Stages) : [model];
}
