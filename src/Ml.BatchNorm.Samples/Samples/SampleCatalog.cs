namespace Ml.BatchNorm.Samples.Samples;

/// <summary>Every sample, by name.</summary>
internal static class SampleCatalog
{
    public static IReadOnlyList<ISample> All { get; } = [new TrainAndSaveSample(), new LoadAndScoreSample(), new LoadAndScoreImagesSample(), new CrossValidateSample()];

    public static ISample? Find(string name) => All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.Ordinal));
}
