using Microsoft.ML;

namespace Ml.BatchNorm;

/// <summary>The training and test views of an MNIST-style IDX folder, and the class names they share.</summary>
/// <param name="TrainSet">The <c>train-*</c> files as a view: "Label" (UInt32), "Features" (Vector&lt;Single, height × width&gt;).</param>
/// <param name="TestSet">The <c>t10k-*</c> files as a view of the same schema.</param>
/// <param name="LabelNames">The name of each class, indexed by label value; every label of both views is below its count.</param>
public sealed record IdxTrainTestData(IDataView TrainSet, IDataView TestSet, IReadOnlyList<string> LabelNames)
{
    /// <summary>
    /// Each label value with its class name, in label order: the lookup for
    /// <c>mlContext.Transforms.Conversion.MapValue("Label", data.LabelNamesByValue, treatValuesAsKeyType: true)</c>,
    /// which makes "Label" a key whose values are the class names (key k + 1 is label k).
    /// </summary>
    public IEnumerable<KeyValuePair<uint, string>> LabelNamesByValue =>
        LabelNames.Select((name, value) => new KeyValuePair<uint, string>((uint)value, name));
}
