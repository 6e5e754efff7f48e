using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm;

/// <summary>
/// The ML.NET pipeline every mlbn command writes, as a user would build it over <c>LoadFromIdx</c> data:
/// MapValue (label value → class name) → MapValueToKey (key data: the names in label order, so key k is label
/// k - 1 and every class keeps its output) → BatchNormCnn → MapKeyToValue("PredictedLabel").
/// </summary>
/// <remarks>
/// In the library rather than the command line because sweep trials save their models through it too, so
/// every model file mlbn writes is the same kind of ML.NET model file.
/// </remarks>
internal static class MlbnPipeline
{
    public static IEstimator<ITransformer> Build(MLContext ml, IReadOnlyList<string> classNames, BatchNormCnnOptions options) =>
        Labels(ml, classNames)
            .Append(ml.MulticlassClassification.Trainers.BatchNormCnn(options))
            .Append(ml.Transforms.Conversion.MapKeyToValue("PredictedLabel"));

    /// <summary>The same pipeline around an existing network (recalibrated or fine-tuned), fitted on <paramref name="data"/>'s schema.</summary>
    public static ITransformer Around(MLContext ml, BatchNormCnnModel model, IDataView data)
    {
        var labels = Labels(ml, model.ClassNames).Fit(data);
        var keyed = labels.Transform(data);
        var network = BatchNormCnnTransformer.Create(model, keyed);
        var toValue = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(network.Transform(keyed));
        return labels.Append(network).Append(toValue);
    }

    /// <summary>Saves an ML.NET model file atomically: a failed save leaves the previous file and no partial one.</summary>
    public static void Save(MLContext ml, ITransformer model, DataViewSchema inputSchema, string path) =>
        AtomicFile.Write(path, stream => ml.Model.Save(model, inputSchema, stream));

    /// <summary>Label value → class name → key (key k = label k - 1).</summary>
    public static EstimatorChain<ValueToKeyMappingTransformer> Labels(MLContext ml, IReadOnlyList<string> classNames) =>
        ml.Transforms.Conversion.MapValue("Label", classNames.Select((name, value) => new KeyValuePair<uint, string>((uint)value, name)), "Label")
            .Append(ml.Transforms.Conversion.MapValueToKey("Label", keyData: ml.Data.LoadFromEnumerable(classNames.Select(n => new ClassName { Label = n }))));

    private sealed class ClassName
    {
        public string Label { get; set; } = "";
    }
}
