namespace Ml.BatchNorm.Diagnostics;

/// <summary>One measurement of a learning curve.</summary>
/// <param name="Step">Training steps completed.</param>
/// <param name="Model">Which network, for example "model1".</param>
/// <param name="Split">"train" or "test".</param>
/// <param name="Accuracy">Accuracy in [0, 1].</param>
/// <param name="Loss">Mean cross-entropy.</param>
public sealed record LearningCurvePoint(long Step, string Model, string Split, double Accuracy, double Loss);
