using System.IO.Compression;
using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.MlNet;

/// <summary>Bad input fails before any training with one line naming the column or file and what was expected.</summary>
[TestClass]
public sealed class BadInputTests
{
    private sealed class FloatLabelRow
    {
        [VectorType(784)]
        public float[] Features { get; set; } = new float[784];

        public float Label { get; set; }
    }

    private sealed class SmallImageRow
    {
        [VectorType(100)]
        public float[] Features { get; set; } = new float[100];

        public uint Label { get; set; }
    }

    private static readonly MLContext Ml = new(seed: 1);

    private static IEstimator<ITransformer> Trainer(BatchNormCnnOptions? options = null) =>
        Ml.MulticlassClassification.Trainers.BatchNormCnn(options ?? new BatchNormCnnOptions { Epochs = 1 });

    private static void AssertOneLine(Exception e, params string[] parts)
    {
        string message = e.Message;
        Assert.DoesNotContain("\n", message, message);
        foreach (string part in parts)
        {
            Assert.Contains(part, message, message);
        }
    }

    [TestMethod]
    public void NonKeyLabelSaysToApplyMapValueToKey()
    {
        var data = Ml.Data.LoadFromEnumerable(new[] { new FloatLabelRow { Label = 1 }, new FloatLabelRow { Label = 2 } });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data));
        AssertOneLine(e, "'Label'", "Single", "MapValueToKey");
        // An estimator chain propagates schema shapes before fitting anything: the trainer's GetOutputSchema refuses first.
        var shape = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => new EstimatorChain<ITransformer>().Append(Trainer()).Fit(data));
        AssertOneLine(shape, "'Label'", "MapValueToKey");
    }

    [TestMethod]
    public void WrongFeatureSizeNamesTheColumnAndTheExpectedSize()
    {
        var raw = Ml.Data.LoadFromEnumerable(new[] { new SmallImageRow { Label = 1 }, new SmallImageRow { Label = 2 } });
        var data = Ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data));
        AssertOneLine(e, "'Features'", "Vector<Single, 100>", "Vector<Single, 784>", "28x28x1");
    }

    [TestMethod]
    public void ALabelWithOneClassIsRefused()
    {
        var data = Keyed(new Digit { Features = new float[784], Label = 3 }, new Digit { Features = new float[784], Label = 3 });
        var e = Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => Trainer().Fit(data));
        AssertOneLine(e, "'Label'", "1 class", "at least 2");
    }

    [TestMethod]
    public void AnEmptyViewIsRefused()
    {
        var keyed = Keyed(new Digit { Features = new float[784], Label = 3 }, new Digit { Features = new float[784], Label = 4 });
        var empty = Ml.Data.SkipRows(keyed, 10);
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(empty));
        AssertOneLine(e, "no rows");
    }

    [TestMethod]
    public void NaNPixelsNameTheRowAndColumn()
    {
        var features = new float[784];
        features[5] = float.NaN;
        var data = Keyed(new Digit { Features = new float[784], Label = 3 }, new Digit { Features = features, Label = 4 });
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => Trainer().Fit(data));
        AssertOneLine(e, "row 1", "'Features'", "NaN", "index 5");
    }

    [TestMethod]
    public void OptionsAreCheckedWhenTheTrainerIsCreated()
    {
        var e = Assert.ThrowsExactly<ArgumentException>(() => Trainer(new BatchNormCnnOptions { Channels = 3 }));
        AssertOneLine(e, "BatchNormCnnOptions.Channels");
        e = Assert.ThrowsExactly<ArgumentException>(() => Trainer(new BatchNormCnnOptions { BatchSize = 0 }));
        AssertOneLine(e, "BatchSize");
    }

    [TestMethod]
    public void ModelLoadRefusesFilesThatAreNotOurModels()
    {
        using var folder = new TempFolder();
        string text = folder.File("notes.zip");
        File.WriteAllText(text, "not a model");
        var e = Assert.ThrowsExactly<ModelFileException>(() => BatchNormCnnModel.Load(text));
        AssertOneLine(e, text);

        // An ML.NET model file without an ONNX graph of ours.
        string foreign = folder.File("foreign.zip");
        var data = Ml.Data.LoadFromEnumerable(new[] { new Digit { Features = new float[784], Label = 1 } });
        Ml.Model.Save(Ml.Transforms.Conversion.MapValueToKey("Label").Fit(data), data.Schema, foreign);
        e = Assert.ThrowsExactly<ModelFileException>(() => BatchNormCnnModel.Load(foreign));
        AssertOneLine(e, foreign);

        string missing = folder.File("missing.zip");
        e = Assert.ThrowsExactly<ModelFileException>(() => BatchNormCnnModel.Load(missing));
        AssertOneLine(e, missing);
    }

    [TestMethod]
    public void ModelLoadRefusesATruncatedZip()
    {
        using var folder = new TempFolder();
        string path = folder.File("truncated.zip");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var entry = zip.CreateEntry("TransformerChain/Model.key").Open();
            entry.Write(new byte[4096]);
        }

        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        var e = Assert.ThrowsExactly<ModelFileException>(() => BatchNormCnnModel.Load(path));
        AssertOneLine(e, path);
    }

    private static IDataView Keyed(params Digit[] rows)
    {
        var raw = Ml.Data.LoadFromEnumerable(rows);
        return Ml.Transforms.Conversion.MapValueToKey("Label").Fit(raw).Transform(raw);
    }
}
