using Ml.BatchNorm.Diagnostics;

namespace Ml.BatchNorm.Engine;

/// <summary>What the trainer reports: after every step, and with metrics at every evaluation.</summary>
/// <param name="Step">Steps completed so far (1-based).</param>
/// <param name="TotalSteps">Steps the run will take in all.</param>
/// <param name="Epoch">Zero-based epoch of the step.</param>
/// <param name="Loss">Cross-entropy of the step's batch in training mode (with dropout).</param>
/// <param name="ImagesPerSecond">Training throughput of the steps since the previous report (evaluations excluded).</param>
/// <param name="LearningRate">The learning rate used by the step.</param>
/// <param name="Evaluation">Inference-mode metrics, present every <see cref="TrainingOptions.EvaluateEvery"/> steps and at the end.</param>
public sealed record TrainingProgress(long Step, long TotalSteps, long Epoch, double Loss, double ImagesPerSecond, double LearningRate, ProgressEvaluation? Evaluation)
{
    /// <summary>
    /// Batch-norm findings raised at this step (with <see cref="TrainingOptions.Diagnostics"/>): the
    /// spec's lint and the horizon check with the first step of the run, the telemetry's findings at
    /// evaluations, the gap check's at the end of each epoch and of training. Empty otherwise.
    /// </summary>
    public IReadOnlyList<BatchNormFinding> Findings { get; init; } = [];

    /// <summary>The train/inference gap on held-out data, at the end of each epoch and of training when test data and <see cref="TrainingOptions.Diagnostics"/> are given and the network has batch norm; null otherwise.</summary>
    public BatchNormGapResult? GapCheck { get; init; }
}

/// <summary>Inference-mode metrics on the current training batch and on (part of) the test data.</summary>
/// <param name="TrainBatchAccuracy">Accuracy on the step's training batch.</param>
/// <param name="TrainBatchLoss">Mean cross-entropy on the step's training batch.</param>
/// <param name="TestAccuracy">Accuracy on the evaluation rows of the test data (NaN without test data).</param>
/// <param name="TestLoss">Mean cross-entropy on the evaluation rows (NaN without test data).</param>
/// <param name="TestRows">Number of test rows evaluated.</param>
public sealed record ProgressEvaluation(double TrainBatchAccuracy, double TrainBatchLoss, double TestAccuracy, double TestLoss, int TestRows)
{
    /// <summary>Per-layer batch-norm statistics on the step's training batch (with <see cref="TrainingOptions.Diagnostics"/> and batch norm in the network); null otherwise.</summary>
    public BatchNormTelemetryReport? Telemetry { get; init; }
}
