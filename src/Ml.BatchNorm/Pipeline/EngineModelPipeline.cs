using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// A network trained by the engine (a <see cref="ModelFile"/>, what <c>mlbn train</c> writes) as the pipeline the
/// trainer would have fitted: MapValueToKey("Label") over the label values 0..n-1, named by the class names, then
/// BatchNormCnn on "Image", then MapKeyToValue("PredictedLabel"). Its input schema is the IDX loaders' ("Label"
/// UInt32, "Image" Vector&lt;Single, H×W&gt;), so both kinds of model file load, evaluate and score the same way.
/// </summary>
internal static class EngineModelPipeline
{
    public static TransformerChain<ITransformer> Create(TrainedNetwork model, int threads, out DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(model);
        int classes = model.Network.OutputSize;
        if (model.LabelNames.Count != classes)
        {
            throw new ArgumentException($"the model has {model.LabelNames.Count} label names for {classes} outputs.", nameof(model));
        }

        var values = Enumerable.Range(0, classes).Select(i => (uint)i).ToArray();
        var labelValues = new KeyValues(NumberDataViewType.UInt32, values);
        inputSchema = new DataViewSchema.Builder()
            .AddColumn(DataViewLoaders.LabelColumnName, NumberDataViewType.UInt32)
            .AddColumn(DataViewLoaders.ImageColumnName, new VectorDataViewType(NumberDataViewType.Single, model.Network.InputSize))
            .ToSchema();
        return new TransformerChain<ITransformer>(
        [
            new ValueToKeyMappingTransformer(DataViewLoaders.LabelColumnName, DataViewLoaders.LabelColumnName, NumberDataViewType.UInt32, values, model.LabelNames),
            new BatchNormCnnTransformer(model, DataViewLoaders.ImageColumnName, model.LabelNames, labelValues, threads),
            new KeyToValueMappingTransformer(BatchNormCnnEstimator.PredictedLabelColumnName, BatchNormCnnEstimator.PredictedLabelColumnName),
        ]);
    }
}
