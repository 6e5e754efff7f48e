using Microsoft.ML;
using Microsoft.ML.Data;

namespace Ml.BatchNorm.Tests.MlNet;

[TestClass]
public sealed class ProbeChainTests
{
    private sealed class Row
    {
        [VectorType(784)]
        public float[] Features { get; set; } = new float[784];

        public string Label { get; set; } = "";
    }

    [TestMethod]
    public void Probe()
    {
        var ml = new MLContext(1);
        var rng = new Random(3);
        var rows = Enumerable.Range(0, 50).Select(i => new Row { Features = Enumerable.Range(0, 784).Select(_ => rng.Next(256) / 255f).ToArray(), Label = new[] { "b", "a", "c" }[i % 3] }).ToList();
        var data = ml.Transforms.Conversion.MapValueToKey("Label").Fit(ml.Data.LoadFromEnumerable(rows)).Transform(ml.Data.LoadFromEnumerable(rows));
        var labels = LabelKeyValues.Of(data.Schema["Label"]);
        var chain = ScoringChain.Build(data, File.ReadAllBytes("/tmp/face-probe/tiny.onnx"), "Features", "Features", labels);
        var scored = chain.Transform(data);
        Console.WriteLine(scored.Schema.ToString());
        Console.WriteLine(scored.Schema["PredictedLabel"].Type + " " + data.Schema["Label"].Type + " eq " + scored.Schema["PredictedLabel"].Type.Equals(data.Schema["Label"].Type));
        var back = ml.Transforms.Conversion.MapKeyToValue("PredictedLabel").Fit(scored).Transform(scored);
        var preds = back.GetColumn<string>("PredictedLabel").Take(6).ToArray();
        var scores = scored.GetColumn<float[]>("Score").Take(6).ToArray();
        for (int i = 0; i < 6; i++) Console.WriteLine(preds[i] + " " + string.Join(",", scores[i]));
        ml.Model.Save(chain, data.Schema, "/tmp/face-probe/m.zip");
        var loaded = ml.Model.Load("/tmp/face-probe/m.zip", out _);
        var s2 = loaded.Transform(data);
        Console.WriteLine("reloaded eq " + s2.Schema["PredictedLabel"].Type.Equals(data.Schema["Label"].Type));
        Console.WriteLine(ml.MulticlassClassification.Evaluate(scored).ConfusionMatrix.GetFormattedConfusionTable());
    }
}
