using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ml.BatchNorm;

/// <summary>
/// Builds the chain of ML.NET's own transformers that scores a trained network: what the fitted transformer runs in
/// process and what it saves, so a model file loads in any ML.NET application without this library.
/// <list type="number">
/// <item>ApplyOnnxModel over the network's ONNX graph: "Score" (Vector&lt;Single, K&gt;, softmax probabilities, slot
/// names = class names) and the argmax index (ONNX hands a [n] output to ML.NET as a one-slot Int64 vector).</item>
/// <item>Hash(combine: true) turns that one-slot vector into a scalar; the K indices' hashes are computed once here
/// and a collision is refused.</item>
/// <item>MapValue hash → the label's key value, then MapValueToKey with the label's key values in key order as key
/// data: "PredictedLabel" is a key of exactly the label's type, so MapKeyToValue restores the original labels.</item>
/// <item>The helper columns are dropped.</item>
/// </list>
/// </summary>
internal static class ScoringChain
{
    public const string ScoreColumnName = "Score";
    public const string PredictedLabelColumnName = "PredictedLabel";
    public const string IndexColumnName = "PredictedLabel.Index";
    private const string HashColumnName = "PredictedLabel.Hash";
    private const string ValueColumnName = "PredictedLabel.Value";
    private const string OnnxInputColumnName = "BatchNormCnn.Input";

    /// <summary>The chain, fitted on <paramref name="input"/>'s schema (no rows are read).</summary>
    /// <remarks>The graph reads <c>onnxInputName</c> and writes <see cref="ScoreColumnName"/> and <see cref="IndexColumnName"/>.</remarks>
    public static TransformerChain<ITransformer> Build(IDataView input, byte[] onnxModel, string onnxInputName, string featureColumnName, LabelKeyValues labels)
    {
        var ml = new MLContext();
        var hashOptions = new Microsoft.ML.Transforms.HashingEstimator.ColumnOptions(HashColumnName, IndexColumnName, combine: true);
        var helpers = new List<string> { IndexColumnName, HashColumnName, ValueColumnName };
        IEstimator<ITransformer> chain = new EstimatorChain<ITransformer>();
        if (onnxInputName != featureColumnName)
        {
            chain = chain.Append(ml.Transforms.CopyColumns(onnxInputName, featureColumnName));
            helpers.Add(onnxInputName);
        }

        var estimators = chain
            .Append(ml.Transforms.ApplyOnnxModel([ScoreColumnName, IndexColumnName], [onnxInputName], new MemoryStream(onnxModel, writable: false)))
            .Append(ml.Transforms.Conversion.Hash(hashOptions))
            .Append(labels.MapHashToValue(ml, IndexHashes(ml, hashOptions, labels.Count), HashColumnName, ValueColumnName))
            .Append(ml.Transforms.Conversion.MapValueToKey(PredictedLabelColumnName, ValueColumnName, keyData: labels.KeyData(ml)))
            .Append(ml.Transforms.DropColumns([.. helpers]));
        return new TransformerChain<ITransformer>([.. (IEnumerable<ITransformer>)estimators.Fit(input)]);
    }

    /// <summary>The name the graph's input gets: the feature column's when it is a plain identifier, else a fixed one (copied in, dropped after).</summary>
    public static string OnnxInputName(string featureColumnName) =>
        featureColumnName.Length > 0 && featureColumnName.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') && !char.IsAsciiDigit(featureColumnName[0])
            ? featureColumnName
            : OnnxInputColumnName;

    /// <summary>The hash of each class index 0..K-1, through the same Hash transform the chain runs.</summary>
    private static uint[] IndexHashes(MLContext ml, Microsoft.ML.Transforms.HashingEstimator.ColumnOptions options, int classes)
    {
        var indices = ml.Data.LoadFromEnumerable(Enumerable.Range(0, classes).Select(i => new IndexRow { Index = [i] }));
        var hashed = ml.Transforms.Conversion.Hash(options).Fit(indices).Transform(indices);
        var hashes = hashed.GetColumn<uint>(HashColumnName).ToArray();
        var seen = new Dictionary<uint, int>();
        for (int i = 0; i < hashes.Length; i++)
        {
            if (!seen.TryAdd(hashes[i], i))
            {
                throw new InvalidOperationException($"{ColumnChecks.TrainerName}: class indices {seen[hashes[i]]} and {i} hash alike ({hashes[i]}); the saved chain could not tell them apart.");
            }
        }

        return hashes;
    }

    private sealed class IndexRow
    {
        [ColumnName(IndexColumnName)]
        [VectorType(1)]
        public long[] Index { get; set; } = [];
    }
}
