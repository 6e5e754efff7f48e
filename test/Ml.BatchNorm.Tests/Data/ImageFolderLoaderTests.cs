using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests.Data;

[TestClass]
public sealed class ImageFolderLoaderTests
{
    [TestMethod]
    public void SubFoldersAreLabelsAndImageFilesArePaths()
    {
        using var folder = new TempFolder();
        var pixels = new byte[4 * 4];
        foreach (var (label, file) in new[] { ("shirt", "b.png"), ("shirt", "a.jpg"), ("bag", "c.png") })
        {
            Directory.CreateDirectory(Path.Combine(folder.Path, label));
            ImageFiles.WriteGray(Path.Combine(folder.Path, label, file), pixels, 4, 4);
        }

        File.WriteAllText(Path.Combine(folder.Path, "shirt", "notes.txt"), "not an image");
        var view = DataViewLoaders.LoadImagesFromFolder(folder.Path);

        Assert.AreEqual(TextDataViewType.Instance, view.Schema["Label"].Type);
        Assert.AreEqual(TextDataViewType.Instance, view.Schema["ImagePath"].Type);
        CollectionAssert.AreEqual(new[] { "bag", "shirt", "shirt" }, Read(view, "Label"));
        CollectionAssert.AreEqual(new[] { "c.png", "a.jpg", "b.png" }, Read(view, "ImagePath").Select(Path.GetFileName).ToArray());
        Assert.ThrowsExactly<DirectoryNotFoundException>(() => DataViewLoaders.LoadImagesFromFolder(folder.File("none")));
    }

    private static List<string> Read(IDataView view, string column)
    {
        var c = view.Schema[column];
        using var cursor = view.GetRowCursor([c]);
        var getter = cursor.GetGetter<string>(c);
        var result = new List<string>();
        string value = "";
        while (cursor.MoveNext())
        {
            getter(ref value);
            result.Add(value);
        }

        return result;
    }
}
