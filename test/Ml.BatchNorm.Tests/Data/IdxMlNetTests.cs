using Microsoft.ML;
using Microsoft.ML.Data;
using static Ml.BatchNorm.Tests.Data.IdxTestFiles;

namespace Ml.BatchNorm.Tests.Data;

/// <summary>ML.NET's own data operations on the IDX view.</summary>
[TestClass]
public sealed class IdxMlNetTests
{
    private const int Rows = 40;
    private const int Height = 3;
    private const int Width = 2;

    private readonly MLContext _ml = new(seed: 1);

    [TestMethod]
    public void CreateEnumerableYieldsTheRowsAsTypedObjects()
    {
        using var folder = new TempFolder();
        var (view, pixels, labels) = Load(folder);

        var rows = _ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToArray();

        Assert.AreEqual(Rows, rows.Length);
        for (int r = 0; r < Rows; r++)
        {
            Assert.AreEqual(labels[r], rows[r].Label);
            CollectionAssert.AreEqual(pixels.AsSpan(r * 6, 6).ToArray().Select(b => b / 255f).ToArray(), rows[r].Features);
        }
    }

    [TestMethod]
    public void TrainTestSplitPartitionsTheRows()
    {
        using var folder = new TempFolder();
        var (view, _, _) = Load(folder);

        var split = _ml.Data.TrainTestSplit(view, testFraction: 0.25, seed: 7);
        var train = Fingerprints(split.TrainSet);
        var test = Fingerprints(split.TestSet);

        Assert.AreEqual(Rows, train.Count + test.Count);
        Assert.IsTrue(test.Count is > 0 and < Rows, $"{test.Count} test rows");
        CollectionAssert.AreEquivalent(Fingerprints(view), train.Concat(test).ToArray());
    }

    [TestMethod]
    public void CrossValidationSplitGivesFoldsThatCoverEveryRowOnce()
    {
        using var folder = new TempFolder();
        var (view, _, _) = Load(folder);

        var folds = _ml.Data.CrossValidationSplit(view, numberOfFolds: 3, seed: 5);
        var tested = folds.SelectMany(f => Fingerprints(f.TestSet)).ToArray();

        Assert.AreEqual(3, folds.Count);
        CollectionAssert.AreEquivalent(Fingerprints(view), tested);
        foreach (var fold in folds)
        {
            Assert.AreEqual(Rows, Fingerprints(fold.TrainSet).Count + Fingerprints(fold.TestSet).Count);
        }
    }

    [TestMethod]
    public void CacheShuffleAndKeyMappingWork()
    {
        using var folder = new TempFolder();
        var (view, _, labels) = Load(folder);

        var shuffled = _ml.Data.ShuffleRows(_ml.Data.Cache(view), seed: 3);
        CollectionAssert.AreEquivalent(Fingerprints(view), Fingerprints(shuffled));

        var keyed = _ml.Transforms.Conversion.MapValueToKey("Label").Fit(view).Transform(view);
        Assert.IsInstanceOfType<KeyDataViewType>(keyed.Schema["Label"].Type);
        Assert.AreEqual(labels.Distinct().Count(), (int)((KeyDataViewType)keyed.Schema["Label"].Type).Count);
    }

    [TestMethod]
    public void LabelNamesBecomeTheKeyValuesThroughMapValue()
    {
        using var folder = new TempFolder();
        WriteSet(folder, "train", [2, 0, 1, 2]);
        WriteSet(folder, "t10k", [1]);
        File.WriteAllLines(folder.File("labels.txt"), ["cat", "dog", "bird"]);
        var data = _ml.Data.LoadFromIdxFolder(folder.Path);

        var named = _ml.Transforms.Conversion.MapValue("Label", data.LabelNamesByValue, treatValuesAsKeyType: true)
            .Fit(data.TrainSet).Transform(data.TrainSet);

        VBuffer<ReadOnlyMemory<char>> keyValues = default;
        named.Schema["Label"].GetKeyValues(ref keyValues);
        CollectionAssert.AreEqual(data.LabelNames.ToArray(), keyValues.DenseValues().Select(v => v.ToString()).ToArray());
        CollectionAssert.AreEqual(new uint[] { 3, 1, 2, 3 }, named.GetColumn<uint>("Label").ToArray(), "key k + 1 is label k");
    }

    private (IDataView View, byte[] Pixels, uint[] Labels) Load(TempFolder folder)
    {
        byte[] pixels = Pixels(Rows, Height, Width);
        byte[] labels = Enumerable.Range(0, Rows).Select(i => (byte)(i % 7)).ToArray();
        var view = _ml.Data.LoadFromIdx(
            Write(folder.File("images"), ImagesFile(Rows, Height, Width, pixels), gzip: true),
            Write(folder.File("labels"), LabelsFile(labels)));
        return (view, pixels, labels.Select(b => (uint)b).ToArray());
    }

    /// <summary>Each row as text (label and pixels): the rows of this data are all distinct.</summary>
    private List<string> Fingerprints(IDataView view) =>
        _ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false)
            .Select(r => $"{r.Label}:{string.Join(',', r.Features)}")
            .ToList();

    private sealed class Row
    {
        public uint Label { get; set; }

        [VectorType(Height * Width)]
        public float[] Features { get; set; } = [];
    }
}
