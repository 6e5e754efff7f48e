namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// The codes of <see cref="BatchNormFinding"/>: BN1xx come from the network spec alone
/// (<see cref="BatchNormLint"/>), BN2xx from the training plan (<see cref="BatchNormHorizon"/>),
/// BN3xx from running the network on data (<see cref="BatchNormTelemetry"/>, <see cref="BatchNormGapCheck"/>).
/// </summary>
public static class DiagnosticCodes
{
    /// <summary>A dropout layer sits upstream of a batch norm: the variance the layer sees in training is not the one it sees at inference.</summary>
    public const string DropoutBeforeBatchNorm = "BN101";

    /// <summary>A convolution or dense layer with a bias feeds a batch norm directly: the mean subtraction cancels the bias.</summary>
    public const string BiasBeforeBatchNorm = "BN102";

    /// <summary>A decay small enough to be a PyTorch momentum (the weight of the new batch) given where TensorFlow's decay was meant.</summary>
    public const string DecayLooksLikeMomentum = "BN103";

    /// <summary>The moving averages' horizon, 1/(1 - decay), is long compared with the planned training steps.</summary>
    public const string LongAveragingHorizon = "BN201";

    /// <summary>Non-finite values (NaN, infinity) in moving statistics, gamma, beta or batch statistics.</summary>
    public const string NonFiniteValues = "BN301";

    /// <summary>The moving statistics are far from the batch statistics.</summary>
    public const string StaleStatistics = "BN302";

    /// <summary>Channels that are always zero after the activation, or whose gamma is about zero.</summary>
    public const string DeadChannels = "BN303";

    /// <summary>Accuracy with batch statistics is well above accuracy in inference mode.</summary>
    public const string TrainInferenceGap = "BN304";
}
