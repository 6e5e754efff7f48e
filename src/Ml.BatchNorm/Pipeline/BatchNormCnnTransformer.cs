using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;


namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A trained network as a pipeline stage: adds "Score" (Vector&lt;Single, classes&gt;, softmax probabilities) and
/// "PredictedLabel" (a key with the label's key names; the most probable class, the lowest index on ties). Scoring
/// always runs in inference mode and in batches of <see cref="ScoringBatchSize"/> rows streamed through the cursor.
/// Dispose it (or its chain) to release the native network.
/// </summary>
public sealed class BatchNormCnnTransformer : ITransformer, IPipelineStage, IDisposable
{
    /// <summary>Rows per network call when scoring a view.</summary>
    public const int ScoringBatchSize = 256;

    internal const string Tag = "batchnorm-cnn";
    internal const int Version = 1;
    private const string WeightsEntry = "weights.safetensors";

    private readonly KeyValues? _labelValues;
    private readonly KeyDataViewType _predictedLabelType;
    private int _threads;

    internal BatchNormCnnTransformer(TrainedNetwork model, string featureColumnName, IReadOnlyList<string> labelKeyNames, KeyValues? labelValues, int threads)
    {
        Model = model;
        FeatureColumnName = featureColumnName;
        _labelValues = labelValues;
        _threads = threads;
        _predictedLabelType = KeyValues.CreateKeyType(labelKeyNames, labelValues);
    }

    /// <summary>The trained network and its class names.</summary>
    public TrainedNetwork Model { get; }

    /// <summary>The image column read.</summary>
    public string FeatureColumnName { get; }

    /// <summary>
    /// Threads for libtorch and OpenBLAS while this stage scores (0: all cores); saved with the model. Set it before
    /// scoring starts, not while another thread scores.
    /// </summary>
    public int Threads
    {
        get => _threads;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegative(value, nameof(Threads));
            _threads = value;
        }
    }

    /// <summary>The number of classes (the size of "Score").</summary>
    public int ClassCount => Model.Network.OutputSize;

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return OutputSchema(inputSchema, ClassCount, _predictedLabelType);
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var feature = CheckInput(input.Schema);
        return new MappedView(input, Outputs(ClassCount, _predictedLabelType), [], (cursor, active) =>
        {
            var scorer = new BatchScorer(this, input, feature, cursor);
            ValueGetter<VBuffer<float>> score = scorer.GetScore;
            ValueGetter<uint> predicted = scorer.GetPredictedLabel;
            return new BoundColumns([active[0] ? score : null, active[1] ? predicted : null], scorer);
        });
    }

    /// <summary>Releases the native network.</summary>
    public void Dispose() => Model.Dispose();

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix)
    {
        var tensors = NetworkTensors.Export(Model.Network, TensorRole.Parameter, TensorRole.Statistic);
        using var payload = new MemoryStream();
        SafeTensorsFormat.Write(payload, tensors, new Dictionary<string, string> { ["format"] = "pt" });
        entries[entryPrefix + WeightsEntry] = payload.ToArray();
        return new JsonObject
        {
            ["featureColumnName"] = FeatureColumnName,
            ["network"] = JsonNode.Parse(Model.Network.Spec.ToJson()),
            ["labelKeyNames"] = new JsonArray(Model.LabelNames.Select(n => (JsonNode?)JsonValue.Create(n)).ToArray()),
            ["labelValueType"] = _labelValues is null ? null : SchemaJson.Write(_labelValues.ValueType),
            ["labelValues"] = _labelValues is null ? null : JsonSerializer.SerializeToNode(_labelValues.Values, _labelValues.Values.GetType()),
            ["threads"] = _threads,
            ["training"] = Model.Summary is null ? null : JsonSerializer.SerializeToNode(Model.Summary),
            ["weightsEntry"] = entryPrefix + WeightsEntry,
        };
    }

    internal static BatchNormCnnTransformer Load(StageLoadContext context)
    {
        var p = context.Parameters;
        var spec = NetworkSpec.FromJson(p["network"]?.ToJsonString() ?? throw new JsonException("no network"));
        var names = p["labelKeyNames"]?.Deserialize<string[]>() ?? throw new JsonException("no labelKeyNames");
        KeyValues? values = null;
        if (p["labelValueType"] is JsonNode typeNode)
        {
            var type = (PrimitiveDataViewType)SchemaJson.Read(typeNode);
            var node = p["labelValues"] ?? throw new JsonException("labelValueType without labelValues");
            Array array = type == NumberDataViewType.UInt32 ? node.Deserialize<uint[]>()!
                : type == NumberDataViewType.Int32 ? node.Deserialize<int[]>()!
                : type == NumberDataViewType.Single ? node.Deserialize<float[]>()!
                : node.Deserialize<string[]>()!;
            values = new KeyValues(type, array);
        }

        var summary = p["training"] is JsonNode t ? t.Deserialize<TrainingSummary>() : null;
        int threads = p["threads"]?.GetValue<int>() ?? 0;
        var network = new Network(spec, seed: 0, context.Device);
        try
        {
            using var stream = new MemoryStream(context.ReadEntry(WeightsEntry));
            var tensors = SafeTensorsFormat.Read(stream, $"{context.Path}:{context.EntryPrefix}{WeightsEntry}").Tensors;
            NetworkTensors.Import(network, tensors, context.Path, TensorRole.Parameter, TensorRole.Statistic);
            return new BatchNormCnnTransformer(new TrainedNetwork(network, names, summary), context.RequiredString("featureColumnName"), names, values, threads);
        }
        catch
        {
            network.Dispose();
            throw;
        }
    }

    internal static DataViewSchema OutputSchema(DataViewSchema input, int classes, KeyDataViewType predictedLabel) =>
        SchemaChecks.WithColumns(input, Outputs(classes, predictedLabel)).Schema;

    private static (string Name, DataViewType Type)[] Outputs(int classes, KeyDataViewType predictedLabel) =>
    [
        (BatchNormCnnEstimator.ScoreColumnName, new VectorDataViewType(NumberDataViewType.Single, classes)),
        (BatchNormCnnEstimator.PredictedLabelColumnName, predictedLabel),
    ];

    private DataViewSchema.Column CheckInput(DataViewSchema schema)
    {
        int size = Model.Network.InputSize;
        return SchemaChecks.Require(schema, FeatureColumnName, BatchNormCnnEstimator.StageName, $"Vector<Single, {size}> (the image size the network was trained on)",
            t => t is VectorDataViewType v && v.ItemType == NumberDataViewType.Single && v.Size == size);
    }

    /// <summary>
    /// Scores the rows of one cursor in batches. It reads the images through a second cursor over the same input that
    /// runs up to one batch ahead of the caller's cursor, so the caller's cursor keeps serving its other columns row
    /// by row while the network sees <see cref="ScoringBatchSize"/> rows per call. Batches are aligned on multiples of
    /// the batch size from row 0, so the same view always scores each row in the same batch (bit-identical results).
    /// </summary>
    private sealed class BatchScorer : IDisposable
    {
        private readonly BatchNormCnnTransformer _owner;
        private readonly DataViewRowCursor _rows;
        private readonly DataViewRowCursor _ahead;
        private readonly ValueGetter<VBuffer<float>> _readImage;
        private readonly float[] _images;
        private readonly float[] _scores;
        private readonly float[] _score;
        private readonly int _classes;
        private long _batchStart;
        private int _batchCount;
        private bool _aheadDone;

        public BatchScorer(BatchNormCnnTransformer owner, IDataView input, DataViewSchema.Column feature, DataViewRowCursor rows)
        {
            _owner = owner;
            _rows = rows;
            _ahead = input.GetRowCursor([feature]);
            _readImage = _ahead.GetGetter<VBuffer<float>>(feature);
            _classes = owner.ClassCount;
            _images = new float[ScoringBatchSize * owner.Model.Network.InputSize];
            _scores = new float[ScoringBatchSize * _classes];
            _score = new float[_classes];
        }

        public void GetScore(ref VBuffer<float> value)
        {
            int row = Locate();
            _scores.AsSpan(row * _classes, _classes).CopyTo(_score);
            value = new VBuffer<float>(_score);
        }

        public void GetPredictedLabel(ref uint value)
        {
            int row = Locate();
            var scores = _scores.AsSpan(row * _classes, _classes);
            int best = 0;
            for (int c = 1; c < scores.Length; c++)
            {
                if (scores[c] > scores[best])
                {
                    best = c;
                }
            }

            value = (uint)(best + 1);
        }

        public void Dispose() => _ahead.Dispose();

        /// <summary>The index within the scored batch of the caller's current row, scoring the batch that holds it when needed.</summary>
        private int Locate()
        {
            long position = _rows.Position;
            while (position >= _batchStart + _batchCount)
            {
                _batchStart += _batchCount;
                bool skip = position >= _batchStart + ScoringBatchSize;
                _batchCount = Fill(read: !skip);
                if (_batchCount == 0)
                {
                    throw new InvalidOperationException($"{BatchNormCnnEstimator.StageName}: the input yielded fewer rows to the scoring cursor than to the row cursor (row {position}); a view must give the same rows to every cursor.");
                }

                if (!skip)
                {
                    // Inference mode always: Network.Score never runs a training-mode pass.
                    Runtime.TorchThreads.Apply(_owner._threads);
                    _owner.Model.Network.Score(_images, _batchCount, _scores);
                }
            }

            return (int)(position - _batchStart);
        }

        private int Fill(bool read)
        {
            int inputSize = _owner.Model.Network.InputSize;
            int count = 0;
            var image = default(VBuffer<float>);
            while (count < ScoringBatchSize && !_aheadDone)
            {
                if (!_ahead.MoveNext())
                {
                    _aheadDone = true;
                    break;
                }

                if (read)
                {
                    _readImage(ref image);
                    var values = image.GetValues();
                    if (values.Length != inputSize)
                    {
                        throw new InvalidOperationException($"{BatchNormCnnEstimator.StageName}: row {_ahead.Position} of column '{_owner.FeatureColumnName}' holds {values.Length} values; the network expects {inputSize}.");
                    }

                    values.CopyTo(_images.AsSpan(count * inputSize, inputSize));
                }

                count++;
            }

            return count;
        }
    }
}
