using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Trains the seed's batch-normalized CNN (or its plain twin) on a key label column and an image column, and returns
/// a <see cref="BatchNormCnnTransformer"/> that adds "Score" (softmax probabilities) and "PredictedLabel" (a key).
/// </summary>
public sealed class BatchNormCnnEstimator : IEstimator<BatchNormCnnTransformer>
{
    internal const string StageName = "BatchNormCnn";
    internal const string ScoreColumnName = "Score";
    internal const string PredictedLabelColumnName = "PredictedLabel";

    private readonly BatchNormCnnOptions _options;
    private readonly TrainingOptions _training;

    internal BatchNormCnnEstimator(BatchNormCnnOptions options, ulong? contextSeed)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.LabelColumnName, $"{nameof(BatchNormCnnOptions)}.{nameof(options.LabelColumnName)}");
        ArgumentException.ThrowIfNullOrWhiteSpace(options.FeatureColumnName, $"{nameof(BatchNormCnnOptions)}.{nameof(options.FeatureColumnName)}");
        if (options.Height is <= 0 || options.Width is <= 0 || (options.Height is null) != (options.Width is null))
        {
            throw new ArgumentException($"{nameof(BatchNormCnnOptions)}.{nameof(options.Height)} and {nameof(options.Width)} must both be positive or both be null; got {options.Height} and {options.Width}.", nameof(options));
        }

        _options = options;
        _training = options.ToTrainingOptions(contextSeed);
    }

    /// <summary>The options, as given.</summary>
    public BatchNormCnnOptions Options => _options;

    /// <summary>The engine options training will use (the given options over <see cref="TrainingOptions"/>'s defaults).</summary>
    public TrainingOptions TrainingOptions => _training;

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        (var label, _, _, _) = CheckInput(inputSchema);
        var labelKey = (KeyDataViewType)label.Type;
        return BatchNormCnnTransformer.OutputSchema(inputSchema, labelKey.Count, KeyValues.CreateKeyType(KeyNames(labelKey), KeyValues.Of(labelKey)));
    }

    /// <summary>
    /// Reads the label and image columns into memory, trains through the engine's <see cref="Trainer"/>, and returns
    /// the transformer. Pixels are stored as bytes (pixel = round(value × 255)), the engine's compact form; that is
    /// exact only for values k/255, which every loader of this library produces, so any other value is refused with
    /// an error naming the column and row rather than silently changed.
    /// </summary>
    public BatchNormCnnTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var (label, feature, height, width) = CheckInput(input.Schema);
        var labelKey = (KeyDataViewType)label.Type;
        if (labelKey.Count > 256)
        {
            throw new ArgumentException($"{StageName}: label column '{label.Name}' has {labelKey.Count} classes; at most 256 are supported.", nameof(input));
        }

        var names = KeyNames(labelKey);
        var data = Materialize(input, label, feature, height, width, names);
        var spec = _options.UseBatchNorm
            ? SeedNetworks.Model1(_options.BatchNorm, labelKey.Count, height: height, width: width)
            : SeedNetworks.Model2(labelKey.Count, height: height, width: width);
        var trained = new Trainer(spec, _training).Train(data);
        return new BatchNormCnnTransformer(trained, _options.FeatureColumnName, names, KeyValues.Of(labelKey), _training.Threads);
    }

    private static IReadOnlyList<string> KeyNames(KeyDataViewType key) =>
        key.KeyNames ?? Enumerable.Range(0, key.Count).Select(i => i.ToString(CultureInfo.InvariantCulture)).ToArray();

    private (DataViewSchema.Column Label, DataViewSchema.Column Feature, int Height, int Width) CheckInput(DataViewSchema schema)
    {
        var label = SchemaChecks.Require(schema, _options.LabelColumnName, StageName, "a key label column (Key<UInt32, n>; apply MapValueToKey first)", t => t is KeyDataViewType);
        var feature = SchemaChecks.Require(schema, _options.FeatureColumnName, StageName, "a known-size Single vector (Vector<Single, H*W>)", t => t is VectorDataViewType { IsKnownSize: true } v && v.ItemType == NumberDataViewType.Single);
        int size = ((VectorDataViewType)feature.Type).Size;
        if (_options.Height is int h && _options.Width is int w)
        {
            if ((long)h * w != size)
            {
                throw new ArgumentException($"{StageName}: column '{feature.Name}' holds {size} values but Height x Width is {h}x{w} = {(long)h * w}.", nameof(schema));
            }

            return (label, feature, h, w);
        }

        int side = (int)Math.Round(Math.Sqrt(size));
        if (side * side != size)
        {
            throw new ArgumentException($"{StageName}: column '{feature.Name}' holds {size} values, not a square image; set {nameof(BatchNormCnnOptions)}.{nameof(BatchNormCnnOptions.Height)} and {nameof(BatchNormCnnOptions.Width)}.", nameof(schema));
        }

        return (label, feature, side, side);
    }

    private static ImageDataset Materialize(IDataView input, DataViewSchema.Column label, DataViewSchema.Column feature, int height, int width, IReadOnlyList<string> names)
    {
        int pixels = height * width;
        var pixelBytes = new List<byte>();
        var labels = new List<byte>();
        using var cursor = input.GetRowCursor([label, feature]);
        var readLabel = cursor.GetGetter<uint>(label);
        var readImage = cursor.GetGetter<VBuffer<float>>(feature);
        uint key = 0;
        var image = default(VBuffer<float>);
        var row = new byte[pixels];
        while (cursor.MoveNext())
        {
            readLabel(ref key);
            if (key == 0 || key > names.Count)
            {
                throw new InvalidOperationException($"{StageName}: row {cursor.Position} has label key {key} in column '{label.Name}'; expected 1..{names.Count} (0 is a missing label: filter such rows out before training).");
            }

            readImage(ref image);
            var values = image.GetValues();
            if (values.Length != pixels)
            {
                throw new InvalidOperationException($"{StageName}: row {cursor.Position} of column '{feature.Name}' holds {values.Length} values; expected {pixels}.");
            }

            for (int i = 0; i < pixels; i++)
            {
                float v = values[i];
                float scaled = MathF.Round(v * 255f);
                if (!(scaled >= 0 && scaled <= 255) || scaled / 255f != v)
                {
                    throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                        $"{StageName}: row {cursor.Position} of column '{feature.Name}' holds {v} at index {i}, which is not a pixel/255 value in [0, 1]; the trainer stores images as bytes and needs pixels scaled as the loaders scale them."));
                }

                row[i] = (byte)scaled;
            }

            pixelBytes.AddRange(row);
            labels.Add((byte)(key - 1));
        }

        if (labels.Count == 0)
        {
            throw new InvalidOperationException($"{StageName}: the training data has no rows.");
        }

        return ImageDataset.Adopt(pixelBytes.ToArray(), labels.ToArray(), height, width, ImageDataset.CheckLabelNames(names, nameof(names)), "pipeline training data");
    }
}
