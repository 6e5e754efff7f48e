namespace Ml.BatchNorm.Samples.Samples;

/// <summary>What every sample accepts: where the data is, where files go, and how much data to use (tests shrink it).</summary>
/// <param name="DataFolder">Folder with the four IDX files.</param>
/// <param name="WorkFolder">Where the sample writes its model file.</param>
/// <param name="TrainRows">Use only the first N training images (null: all).</param>
/// <param name="TestRows">Use only the first N test images (null: all).</param>
/// <param name="Epochs">Training epochs.</param>
internal sealed record SampleSettings(string DataFolder, string WorkFolder, int? TrainRows, int? TestRows, int Epochs)
{
    public string ModelPath => Path.Combine(WorkFolder, "sample-model.zip");

    public string TrainImages => DataFile("train-images-idx3-ubyte");

    public string TrainLabels => DataFile("train-labels-idx1-ubyte");

    public string TestImages => DataFile("t10k-images-idx3-ubyte");

    public string TestLabels => DataFile("t10k-labels-idx1-ubyte");

    private string DataFile(string name)
    {
        string plain = Path.Combine(DataFolder, name);
        return File.Exists(plain) ? plain : plain + ".gz";
    }
}
