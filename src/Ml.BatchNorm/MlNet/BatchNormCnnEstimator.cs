using Microsoft.ML;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm;

/// <summary>
/// Trains the seed's batch-normalized CNN (or its plain twin) on a key label column and an image column.
/// </summary>
/// <remarks>
/// <format type="text/markdown"><![CDATA[
/// ### Estimator Characteristics
/// |  |  |
/// | -- | -- |
/// | Does this estimator need to look at the data to train its parameters? | Yes |
/// | Input column data type | Label: [key](xref:Microsoft.ML.Data.KeyDataViewType) (apply MapValueToKey); Features: known-size vector of <xref:System.Single>, Height × Width × Channels values, pixel/255 in [0, 1] |
/// | Output column data type | Score: known-size vector of <xref:System.Single> (probabilities; slot names = class names); PredictedLabel: the label's key type |
/// | Required NuGet in addition to Microsoft.ML | Ml.BatchNorm (training); Microsoft.ML.OnnxTransformer and Microsoft.ML.OnnxRuntime (scoring and loading saved models) |
/// | Exportable to ONNX | Yes (`BatchNormCnnModel.ExportOnnx`) |
///
/// Rows are read into memory once (one byte per pixel), then trained on by the engine with the options'
/// recipe; scoring runs through ML.NET's ONNX transformer. The MLContext's seed, log and cancellation are not
/// seen (ML.NET keeps them internal): use the options' Seed, Progress and CancellationToken.
/// ]]></format>
/// </remarks>
public sealed class BatchNormCnnEstimator : IEstimator<BatchNormCnnTransformer>
{
    private readonly BatchNormCnnOptions _options;

    internal BatchNormCnnEstimator(BatchNormCnnOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <inheritdoc/>
    public SchemaShape GetOutputSchema(SchemaShape inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        ColumnChecks.Label(inputSchema, _options.LabelColumnName);
        ColumnChecks.Features(inputSchema, _options.FeatureColumnName, _options.FeatureSize, SizeMeaning);

        // ML.NET's own estimators give the output columns' shapes: a copy of the label is a key of the label's type
        // with its key values, and the label's indicator vector is Vector<Single, K> with the class names as slot names.
        var ml = new MLContext();
        return ml.Transforms.CopyColumns(ScoringChain.PredictedLabelColumnName, _options.LabelColumnName)
            .Append(ml.Transforms.Conversion.MapKeyToVector(ScoringChain.ScoreColumnName, _options.LabelColumnName))
            .GetOutputSchema(inputSchema);
    }

    /// <summary>Checks the columns, reads the rows, trains, and returns the transformer.</summary>
    public BatchNormCnnTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var label = ColumnChecks.Label(input.Schema, _options.LabelColumnName);
        var features = ColumnChecks.Features(input.Schema, _options.FeatureColumnName, _options.FeatureSize, SizeMeaning);
        var labels = LabelKeyValues.Of(label);
        if (labels.Count > 256)
        {
            throw new ArgumentOutOfRangeException(nameof(input), $"{ColumnChecks.TrainerName}: label column '{label.Name}' has {labels.Count} classes; at most 256 are supported.");
        }

        var training = _options.ToTrainingOptions();
        var train = TrainingRows.Read(input, label, features, _options.Height, _options.Width, labels.Names, "training");
        ImageDataset? validation = null;
        if (_options.ValidationSet is { } validationSet)
        {
            var validationLabel = ColumnChecks.Label(validationSet.Schema, _options.LabelColumnName);
            if (!validationLabel.Type.Equals(label.Type))
            {
                throw new ArgumentOutOfRangeException(nameof(input),
                    $"{ColumnChecks.TrainerName}: label column '{label.Name}' of the validation set is {validationLabel.Type}; the training data's is {label.Type} (map both with the same MapValueToKey).");
            }

            var validationFeatures = ColumnChecks.Features(validationSet.Schema, _options.FeatureColumnName, _options.FeatureSize, SizeMeaning);
            validation = TrainingRows.Read(validationSet, validationLabel, validationFeatures, _options.Height, _options.Width, labels.Names, "validation");
        }

        var spec = _options.UseBatchNorm
            ? SeedNetworks.Model1(_options.BatchNorm, labels.Count, _options.KeepProbability, _options.Height, _options.Width)
            : SeedNetworks.Model2(labels.Count, _options.KeepProbability, _options.Height, _options.Width);
        var trained = new Trainer(spec, training).Train(train, validation, _options.Progress, _options.CancellationToken);
        var model = new BatchNormCnnModel(trained, BatchNormCnnTransformer.TrainingJson(training, trained.Summary));
        try
        {
            return BatchNormCnnTransformer.Create(model, input, _options.FeatureColumnName, labels);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private string SizeMeaning => $"{nameof(BatchNormCnnOptions.Height)} x {nameof(BatchNormCnnOptions.Width)} x {nameof(BatchNormCnnOptions.Channels)} = {_options.Height}x{_options.Width}x{_options.Channels}";
}
