namespace Ml.BatchNorm.Engine;

/// <summary>How a network was trained: stored with the model.</summary>
/// <param name="Steps">Training steps in all.</param>
/// <param name="Epochs">Passes over the training data (fractional when training stopped mid-epoch).</param>
/// <param name="TrainingRows">Rows in the training data.</param>
/// <param name="Seconds">Wall time of this run, evaluations and checkpoints included (not counting an interrupted run it resumed).</param>
/// <param name="ImagesPerSecond">Training throughput of this run's steps (evaluations and checkpoints excluded).</param>
/// <param name="ResumedFromStep">The checkpoint step this run resumed from, 0 when it started fresh.</param>
/// <param name="FinalLoss">Training-mode loss of the last step.</param>
/// <param name="Options">The training options' fingerprint (<see cref="TrainingOptions.Fingerprint"/>).</param>
public sealed record TrainingSummary(long Steps, double Epochs, int TrainingRows, double Seconds, double ImagesPerSecond, long ResumedFromStep, double FinalLoss, IReadOnlyDictionary<string, string> Options);
