using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// How one fine-tuning policy ended (see <see cref="FineTuningComparison"/>). Accuracies are fractions in [0, 1].
/// </summary>
/// <param name="Policy">The fine-tuning policy every batch-norm layer had.</param>
/// <param name="MovingAverageDecay">The batch-norm decay used while fine-tuning.</param>
/// <param name="TrainAccuracy">Inference-mode accuracy on the fine-tuning training images.</param>
/// <param name="TestAccuracy">Inference-mode accuracy on the fine-tuning test images (rounded down to whole training batches): what users get.</param>
/// <param name="BatchStatisticsTestAccuracy">Training-mode accuracy (batch statistics, dropout off) on the same test images: what training showed.</param>
/// <param name="PretrainedClassesTestAccuracy">Inference-mode accuracy on the test images of the classes the model was pre-trained on, or null.</param>
/// <param name="Steps">Fine-tuning steps run.</param>
public sealed record FineTuningOutcome(
    BatchNormFineTuning Policy,
    double MovingAverageDecay,
    double TrainAccuracy,
    double TestAccuracy,
    double BatchStatisticsTestAccuracy,
    double? PretrainedClassesTestAccuracy,
    long Steps)
{
    /// <summary>"Collapse": inference-mode test accuracy more than this many points below training-mode accuracy on the same images.</summary>
    public const double CollapsePoints = 10;

    /// <summary>Training-mode minus inference-mode test accuracy, in percentage points.</summary>
    public double GapPoints => (BatchStatisticsTestAccuracy - TestAccuracy) * 100;

    /// <summary>Whether the model collapsed: <see cref="GapPoints"/> above <see cref="CollapsePoints"/>.</summary>
    public bool Collapsed => GapPoints > CollapsePoints;
}
