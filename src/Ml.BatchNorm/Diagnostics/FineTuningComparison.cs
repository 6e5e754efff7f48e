using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// The fine-tuning scenario: continue a pre-trained network on other data under each batch-norm fine-tuning policy,
/// from the same weights, batches and seed, and measure per policy the inference-mode accuracy users get against
/// the training-mode accuracy training shows. A gap above <see cref="FineTuningOutcome.CollapsePoints"/> is the
/// "great in training, collapses at test" failure.
/// </summary>
public static class FineTuningComparison
{
    /// <summary>
    /// Fine-tunes a fresh copy of <paramref name="pretrained"/> once per policy and measures it. The pretrained network
    /// is not changed. <paramref name="decay"/>, when given, replaces every batch-norm layer's moving-average decay
    /// for the fine-tuning run (to show what a slow average does).
    /// </summary>
    /// <param name="pretrained">The starting network.</param>
    /// <param name="train">Fine-tuning training images.</param>
    /// <param name="test">Fine-tuning test images (the same classes as <paramref name="train"/>).</param>
    /// <param name="pretrainedClassesTest">Test images of the classes the network was pre-trained on, to show what it forgets; may be null.</param>
    /// <param name="options">Training options; <see cref="TrainingOptions.FineTuning"/> is set per policy.</param>
    /// <param name="policies">The policies to compare.</param>
    /// <param name="decay">A batch-norm decay for fine-tuning, or null to keep the pretrained network's.</param>
    /// <param name="keep">Called with each fine-tuned network and its outcome before the network is released (to save it), or null.</param>
    /// <exception cref="ArgumentException">An argument is empty or invalid; the message names it.</exception>
    public static IReadOnlyList<FineTuningOutcome> Run(
        TrainedNetwork pretrained,
        ImageDataset train,
        ImageDataset test,
        ImageDataset? pretrainedClassesTest,
        TrainingOptions options,
        IReadOnlyList<BatchNormFineTuning> policies,
        double? decay = null,
        Action<TrainedNetwork, FineTuningOutcome>? keep = null)
    {
        ArgumentNullException.ThrowIfNull(pretrained);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(policies);
        if (policies.Count == 0)
        {
            throw new ArgumentException("give at least one fine-tuning policy.", nameof(policies));
        }

        var spec = pretrained.Network.Spec;
        if (decay is double d)
        {
            spec = spec with
            {
                Layers = spec.Layers.Select(l => l is BatchNormLayer bn ? bn with { Options = bn.Options with { MovingAverageDecay = d } } : l).ToArray(),
            };
        }

        var outcomes = new List<FineTuningOutcome>();
        foreach (var policy in policies)
        {
            var trainer = new Trainer(spec, options with { FineTuning = policy, CheckpointPath = null });
            using var tuned = trainer.FineTune(pretrained, train);
            var network = tuned.Network;
            double trainAccuracy = DatasetLoss.Compute(network, train, train.Count).Accuracy;
            // Both test accuracies on the same rows (the test images rounded down to whole training batches).
            var gap = BatchNormGapCheck.Run(network, test, Math.Min(options.BatchSize, test.Count), rows: test.Count);
            double? other = pretrainedClassesTest is null ? null : DatasetLoss.Compute(network, pretrainedClassesTest, pretrainedClassesTest.Count).Accuracy;
            var outcome = new FineTuningOutcome(
                policy,
                spec.Layers.OfType<BatchNormLayer>().Select(l => l.Options.MovingAverageDecay).DefaultIfEmpty(double.NaN).First(),
                trainAccuracy,
                gap.InferenceAccuracy,
                gap.BatchStatisticsAccuracy,
                other,
                tuned.Summary?.Steps ?? 0);
            keep?.Invoke(tuned, outcome);
            outcomes.Add(outcome);
        }

        return outcomes;
    }
}
