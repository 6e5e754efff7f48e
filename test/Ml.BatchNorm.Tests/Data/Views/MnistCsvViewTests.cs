using System.Globalization;
using System.Text;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Tests.Data;

namespace Ml.BatchNorm.Tests.Data.Views;

[TestClass]
public sealed class MnistCsvViewTests
{
    private const int Pixels = 784;

    private static string Line(int label, int pixelValue) =>
        label.ToString(CultureInfo.InvariantCulture) + string.Concat(Enumerable.Repeat("," + pixelValue.ToString(CultureInfo.InvariantCulture), Pixels));

    private static string WriteLines(TempFolder folder, params string[] lines) =>
        IdxTestFiles.Write(folder.File("data.csv"), Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n"));

    [TestMethod]
    public void CsvWrittenFromIdxBytesLoadsToTheSameFloats()
    {
        using var folder = new TempFolder();
        const int count = 5;
        byte[] pixels = IdxTestFiles.Pixels(count, 28, 28);
        byte[] labels = [9, 0, 3, 3, 1];
        string imagesPath = IdxTestFiles.Write(folder.File("images"), IdxTestFiles.ImagesFile(count, 28, 28, pixels));
        string labelsPath = IdxTestFiles.Write(folder.File("labels"), IdxTestFiles.LabelsFile(labels));
        var csv = new StringBuilder("label,pixels\n");
        for (int i = 0; i < count; i++)
        {
            csv.Append(labels[i].ToString(CultureInfo.InvariantCulture));
            foreach (byte pixel in pixels.AsSpan(i * Pixels, Pixels))
            {
                csv.Append(';').Append(pixel.ToString(CultureInfo.InvariantCulture));
            }

            csv.Append('\n');
        }

        string csvPath = IdxTestFiles.Write(folder.File("data.csv"), Encoding.UTF8.GetBytes(csv.ToString()));

        var fromCsv = DataViewLoaders.LoadFromTextFile(csvPath, hasHeader: true, separator: ';');
        var fromIdx = DataViewLoaders.LoadFromIdx(imagesPath, labelsPath);

        Assert.AreEqual(fromIdx.Schema.ToString(), fromCsv.Schema.ToString());
        Assert.IsNull(fromCsv.GetRowCount());
        Assert.IsFalse(fromCsv.CanShuffle);
        CollectionAssert.AreEqual(ViewTestData.Labels(fromIdx), ViewTestData.Labels(fromCsv));
        var idxImages = ViewTestData.Images(fromIdx);
        var csvImages = ViewTestData.Images(fromCsv);
        Assert.HasCount(count, csvImages);
        for (int i = 0; i < count; i++)
        {
            CollectionAssert.AreEqual(idxImages[i], csvImages[i], $"image {i}");
        }
    }

    [TestMethod]
    public void BlankLinesAndSpacesAreTolerated()
    {
        using var folder = new TempFolder();
        string path = WriteLines(folder, Line(2, 255), "", " " + Line(0, 51).Replace(",", " , ", StringComparison.Ordinal));

        var view = DataViewLoaders.LoadFromTextFile(path);

        CollectionAssert.AreEqual(new uint[] { 2, 0 }, ViewTestData.Labels(view));
        Assert.AreEqual(0.2f, ViewTestData.Images(view)[1][783]);
    }

    [TestMethod]
    [DataRow("7,1,2", "has 3 fields; expected 785")]
    [DataRow("x", "label 'x' is not an integer")]
    [DataRow("-1", "label -1 is negative")]
    public void ShortOrBadLabelLinesNameFileAndLine(string badLine, string problem)
    {
        using var folder = new TempFolder();
        string path = WriteLines(folder, Line(1, 0), badLine.StartsWith("7,", StringComparison.Ordinal) ? badLine : badLine + Line(0, 0)[1..]);

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ViewTestData.Labels(DataViewLoaders.LoadFromTextFile(path)));

        StringAssert.Contains(error.Message, path + ": line 2: ");
        StringAssert.Contains(error.Message, problem);
    }

    [TestMethod]
    [DataRow("256", "pixel 4 (field 6) is 256; expected 0 to 255")]
    [DataRow("-3", "pixel 4 (field 6) is -3")]
    [DataRow("0.5", "pixel 4 (field 6) '0.5' is not an integer")]
    public void BadPixelsNameFileLineAndField(string pixel, string problem)
    {
        using var folder = new TempFolder();
        var fields = Line(1, 0).Split(',');
        fields[5] = pixel;
        string path = WriteLines(folder, string.Join(",", fields));

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ViewTestData.Images(DataViewLoaders.LoadFromTextFile(path)));

        StringAssert.Contains(error.Message, path + ": line 1: ");
        StringAssert.Contains(error.Message, problem);
    }

    [TestMethod]
    public void TooManyFieldsIsAnError()
    {
        using var folder = new TempFolder();
        string path = WriteLines(folder, Line(1, 0) + ",0");

        var error = Assert.ThrowsExactly<InvalidDataException>(() => ViewTestData.Labels(DataViewLoaders.LoadFromTextFile(path)));

        StringAssert.Contains(error.Message, "line 1: has more than 785 fields");
    }

    [TestMethod]
    public void RowsAreReadOnlyAsFarAsNeeded()
    {
        using var folder = new TempFolder();
        string path = WriteLines(folder, Line(0, 1), Line(1, 2), Line(2, 3), Line(3, 4), "5,oops", Line(5, 6));
        var view = DataViewLoaders.LoadFromTextFile(path);

        CollectionAssert.AreEqual(new uint[] { 0, 1, 2 }, ViewTestData.Labels(view.Take(3)));
        CollectionAssert.AreEqual(new uint[] { 0, 1, 2, 3 }, ViewTestData.Labels(view.Take(4)));
        var error = Assert.ThrowsExactly<InvalidDataException>(() => ViewTestData.Labels(view.Take(5)));
        StringAssert.Contains(error.Message, "line 5: ");
    }

    [TestMethod]
    public void MissingFileAndBadSeparatorFailAtLoad()
    {
        using var folder = new TempFolder();

        var missing = Assert.ThrowsExactly<FileNotFoundException>(() => DataViewLoaders.LoadFromTextFile(folder.File("none.csv")));
        StringAssert.Contains(missing.Message, "none.csv");
        string path = WriteLines(folder, Line(0, 0));
        var separator = Assert.ThrowsExactly<ArgumentException>(() => DataViewLoaders.LoadFromTextFile(path, separator: '-'));
        StringAssert.Contains(separator.Message, "separator");
    }
}
