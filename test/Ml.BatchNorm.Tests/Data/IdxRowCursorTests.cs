using Microsoft.ML;
using Microsoft.ML.Data;
using static Ml.BatchNorm.Tests.Data.IdxTestFiles;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class IdxRowCursorTests
{
    private readonly MLContext _ml = new(seed: 1);

    [TestMethod]
    public void PositionStartsBeforeTheFirstRowAndCountsEachMove()
    {
        using var folder = new TempFolder();
        var view = ThreeRows(folder);
        using var cursor = view.GetRowCursor(view.Schema);
        var getId = cursor.GetIdGetter();
        var ids = new HashSet<DataViewRowId>();

        Assert.AreEqual(-1L, cursor.Position);
        Assert.AreEqual(0L, cursor.Batch);
        for (long expected = 0; expected < 3; expected++)
        {
            Assert.IsTrue(cursor.MoveNext());
            Assert.AreEqual(expected, cursor.Position);
            DataViewRowId id = default;
            getId(ref id);
            Assert.IsTrue(ids.Add(id), "row ids are unique");
        }

        Assert.IsFalse(cursor.MoveNext());
        Assert.IsFalse(cursor.MoveNext());
        Assert.ThrowsExactly<InvalidOperationException>(() =>
        {
            DataViewRowId id = default;
            getId(ref id);
        });
    }

    [TestMethod]
    public void OnlyActiveColumnsHaveGettersOfTheirOwnType()
    {
        using var folder = new TempFolder();
        var view = ThreeRows(folder);
        var label = view.Schema["Label"];
        var features = view.Schema["Features"];
        using var cursor = view.GetRowCursor([label]);

        Assert.IsTrue(cursor.IsColumnActive(label));
        Assert.IsFalse(cursor.IsColumnActive(features));
        Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<VBuffer<float>>(features));
        var e = Assert.ThrowsExactly<InvalidOperationException>(() => cursor.GetGetter<float>(label));
        StringAssert.Contains(e.Message, "'Label'");

        var getLabel = cursor.GetGetter<uint>(label);
        uint value = 0;
        Assert.ThrowsExactly<InvalidOperationException>(() => getLabel(ref value), "no row before the first MoveNext");
        Assert.IsTrue(cursor.MoveNext());
        getLabel(ref value);
        Assert.AreEqual(4u, value);
    }

    [TestMethod]
    public void LabelOnlyCursorsNeverOpenTheImageFile()
    {
        using var folder = new TempFolder();
        var view = ThreeRows(folder);
        File.Delete(folder.File("images"));

        CollectionAssert.AreEqual(new uint[] { 4, 5, 6 }, view.GetColumn<uint>("Label").ToArray());
        Assert.ThrowsExactly<FileNotFoundException>(() => view.GetRowCursor(view.Schema));
    }

    [TestMethod]
    public void AnImageFileChangedAfterLoadIsReportedByTheCursor()
    {
        using var folder = new TempFolder();
        var view = ThreeRows(folder);
        Write(folder.File("images"), ImagesFile(3, 3, 1, Pixels(3, 3, 1)));

        var e = Assert.ThrowsExactly<InvalidDataException>(() => view.GetRowCursor(view.Schema));
        StringAssert.Contains(e.Message, "changed since the view was created");

        Write(folder.File("images"), ImagesFile(3, 1, 3, Pixels(3, 1, 3))[..^2]);
        using var cursor = view.GetRowCursor(view.Schema);
        Assert.IsTrue(cursor.MoveNext());
        Assert.IsTrue(cursor.MoveNext());
        StringAssert.Contains(Assert.ThrowsExactly<InvalidDataException>(() => cursor.MoveNext()).Message, "is truncated");
    }

    [TestMethod]
    public void TheViewHandsOutOneCursorAndCannotShuffle()
    {
        using var folder = new TempFolder();
        var view = ThreeRows(folder);

        Assert.IsFalse(view.CanShuffle);
        var cursors = view.GetRowCursorSet(view.Schema, 4, new Random(1));
        Assert.AreEqual(1, cursors.Length);
        cursors[0].Dispose();
    }

    private IDataView ThreeRows(TempFolder folder) =>
        _ml.Data.LoadFromIdx(
            Write(folder.File("images"), ImagesFile(3, 1, 3, Pixels(3, 1, 3)), gzip: true),
            Write(folder.File("labels"), LabelsFile([4, 5, 6])));
}
