using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Tests;

/// <summary>The Debian Fashion-MNIST folder, loaded once per test run (CI installs it).</summary>
internal static class FashionMnist
{
    private static readonly Lazy<(ImageDataset Train, ImageDataset Test)?> Sets = new(() =>
    {
        if (!File.Exists(Path.Combine(IdxDataFolder.DefaultFolder, "train-images-idx3-ubyte.gz")))
        {
            return null;
        }

        var folder = IdxDataFolder.Open(IdxDataFolder.DefaultFolder);
        return (folder.LoadTrain(), folder.LoadTest());
    });

    public static ImageDataset Train => Require().Train;

    public static ImageDataset Test => Require().Test;

    private static (ImageDataset Train, ImageDataset Test) Require() =>
        Sets.Value ?? throw new AssertInconclusiveException($"Fashion-MNIST is not installed at {IdxDataFolder.DefaultFolder} (apt-get install dataset-fashion-mnist).");
}
