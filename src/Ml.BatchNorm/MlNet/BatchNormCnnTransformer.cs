using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm;

/// <summary>
/// A fitted BatchNormCnn: adds "Score" (K softmax probabilities, typed Vector&lt;Single, 1, K&gt; by ML.NET's ONNX transformer; slot names = class names) and
/// "PredictedLabel" (a key of exactly the label's key type and values; the most probable class, the lowest index on
/// ties). It is an equivalent chain of ML.NET's own transformers (ApplyOnnxModel over the network's ONNX graph,
/// then Hash, MapValue, MapValueToKey, DropColumns): a prediction engine runs that chain row by row, while
/// <see cref="Transform"/> runs the chain's ONNX graph on many rows per ONNX Runtime call with the chain's output
/// schema (ML.NET's ONNX transformer makes one call per row). It saves by handing ML.NET that chain, so a saved
/// model loads with <c>mlContext.Model.Load</c> in any application that references Microsoft.ML,
/// Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime, without this library, and scores identically.
/// </summary>
public sealed class BatchNormCnnTransformer : ISingleFeaturePredictionTransformer<BatchNormCnnModel>, ICanSaveModel, IDisposable
{
    private readonly TransformerChain<ITransformer> _chain;
    private readonly int _featureSize;
    private readonly Lazy<OnnxBatchScorer> _scorer;

    private BatchNormCnnTransformer(BatchNormCnnModel model, TransformerChain<ITransformer> chain, byte[] onnx, string onnxInputName, string featureColumnName, int featureSize)
    {
        Model = model;
        _chain = chain;
        // Made on the first Transform: a transformer that is only saved or run by a prediction engine never needs it.
        _scorer = new(() => new OnnxBatchScorer(onnx, onnxInputName, ScoringChain.ScoreColumnName, ScoringChain.IndexColumnName, featureSize, model.Trained.Network.OutputSize,
            OnnxIntraOpThreads));
        FeatureColumnName = featureColumnName;
        _featureSize = featureSize;
        FeatureColumnType = new VectorDataViewType(NumberDataViewType.Single, featureSize);
    }

    /// <summary>
    /// ONNX Runtime's intra-op threads for <see cref="Transform"/>'s batches: set rather than left to ONNX Runtime,
    /// which at 0 pins one thread to each physical core, where the pinned threads then compete with the calling
    /// thread for a core (15-20% slower on 2 cores, docs/PERFORMANCE.md, "Scoring").
    /// </summary>
    internal static int OnnxIntraOpThreads => Environment.ProcessorCount;

    /// <summary>The trained network and its class names.</summary>
    public BatchNormCnnModel Model { get; }

    /// <summary>The image column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>Vector&lt;Single, C×H×W&gt;.</summary>
    public DataViewType FeatureColumnType { get; }

    /// <summary>Always true: ML.NET's prediction engine can run it row by row.</summary>
    public bool IsRowToRowMapper => true;

    /// <summary>
    /// A transformer over an existing network (for example one reopened with <see cref="BatchNormCnnModel.Load"/>
    /// and recalibrated): the label column of <paramref name="input"/> gives the key type of
    /// "PredictedLabel" and must have as many classes as the network has outputs.
    /// </summary>
    public static BatchNormCnnTransformer Create(BatchNormCnnModel model, IDataView input, string labelColumnName = "Label", string featureColumnName = "Features")
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        var spec = model.Spec;
        int size = spec.Channels * spec.Height * spec.Width;
        var label = ColumnChecks.Label(input.Schema, labelColumnName);
        ColumnChecks.Features(input.Schema, featureColumnName, size, $"{spec.Height}x{spec.Width}x{spec.Channels}, the network's input");
        var labels = LabelKeyValues.Of(label);
        if (labels.Count != model.Trained.Network.OutputSize)
        {
            throw new ArgumentOutOfRangeException(nameof(input),
                $"{ColumnChecks.TrainerName}: label column '{labelColumnName}' has {labels.Count} classes; the network has {model.Trained.Network.OutputSize} outputs.");
        }

        return Create(model, input, featureColumnName, labels);
    }

    internal static BatchNormCnnTransformer Create(BatchNormCnnModel model, IDataView input, string featureColumnName, LabelKeyValues labels)
    {
        var spec = model.Spec;
        string inputName = ScoringChain.OnnxInputName(featureColumnName);
        var onnx = NetworkGraph.ForMlNet(model.Trained, inputName, model.TrainingOptionsJson);
        var chain = ScoringChain.Build(input, onnx, inputName, featureColumnName, labels);
        return new BatchNormCnnTransformer(model, chain, onnx, inputName, featureColumnName, spec.Channels * spec.Height * spec.Width);
    }

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return _chain.GetOutputSchema(inputSchema);
    }

    /// <summary>
    /// Adds Score and PredictedLabel, computing them many rows per ONNX Runtime call over the same graph that is
    /// saved (ML.NET's chain makes one call per row); the schema is the saved chain's. Predicted labels are the
    /// loaded model's; scores agree within float rounding (a row scored alone and in a batch may differ in the last bits).
    /// </summary>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        CheckInput(input.Schema);
        var schema = _chain.GetOutputSchema(input.Schema);
        return (IDataView?)BatchScoredView.TryCreate(input, schema, _scorer.Value, FeatureColumnName) ?? _chain.Transform(input);
    }

    /// <inheritdoc/>
    public IRowToRowMapper GetRowToRowMapper(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return ((ITransformer)_chain).GetRowToRowMapper(inputSchema);
    }

    /// <summary>Saves the equivalent ML.NET chain: nothing of this library is needed to load it.</summary>
    void ICanSaveModel.Save(ModelSaveContext ctx) => ((ICanSaveModel)_chain).Save(ctx);

    /// <summary>Releases the network and the ONNX Runtime sessions.</summary>
    public void Dispose()
    {
        _chain.Dispose();
        if (_scorer.IsValueCreated)
        {
            _scorer.Value.Dispose();
        }

        Model.Dispose();
    }

    /// <summary>The training record kept in the model's metadata: the options and how training went.</summary>
    internal static string TrainingJson(Engine.TrainingOptions options, Engine.TrainingSummary? summary) =>
        JsonSerializer.Serialize(new { options = options with { CheckpointPath = null }, summary });

    private void CheckInput(DataViewSchema schema)
    {
        var spec = Model.Spec;
        ColumnChecks.Features(schema, FeatureColumnName, _featureSize, $"{spec.Height}x{spec.Width}x{spec.Channels}, the image size the network was trained on");
    }
}
