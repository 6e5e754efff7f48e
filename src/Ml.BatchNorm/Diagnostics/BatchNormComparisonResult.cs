using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>The learning curves of the seed experiment (<see cref="BatchNormComparison"/>).</summary>
/// <param name="Points">Every measurement, by model, then step, then split.</param>
/// <param name="Summaries">Each model's training summary, by model name.</param>
/// <param name="Options">The training options both models ran with.</param>
public sealed record BatchNormComparisonResult(IReadOnlyList<LearningCurvePoint> Points, IReadOnlyDictionary<string, TrainingSummary> Summaries, TrainingOptions Options)
{
    /// <summary>The first recorded step at which <paramref name="model"/>'s test accuracy reached <paramref name="accuracy"/>; null when it never did.</summary>
    public long? StepsToReach(string model, double accuracy) =>
        Points.Where(p => p.Model == model && p.Split == BatchNormComparison.TestSplit && p.Accuracy >= accuracy)
            .Select(p => (long?)p.Step)
            .Min();

    /// <summary>The last recorded point of <paramref name="model"/> on <paramref name="split"/>; null when there is none.</summary>
    public LearningCurvePoint? Final(string model, string split) =>
        Points.Where(p => p.Model == model && p.Split == split).MaxBy(p => p.Step);
}
