namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// Statistics of one batch-norm layer on a batch (see <see cref="BatchNormTelemetry"/> for how the
/// batch statistics are obtained). Distances are norm-wise relative, ||moving - batch|| / ||batch||;
/// variances are the unbiased ones (divide by n - 1), which is what the moving variance averages.
/// </summary>
/// <param name="Layer">Index of the batch-norm layer in the spec (its tensors are named "Layer.running_mean" and so on).</param>
/// <param name="Channels">Channels (or features) it normalizes.</param>
/// <param name="Decay">Its moving-average decay.</param>
/// <param name="MeanDistance">||moving mean - batch mean|| / ||batch mean||.</param>
/// <param name="VarianceDistance">||moving variance - batch variance|| / ||batch variance||.</param>
/// <param name="MeanShift">Root mean square over channels of (moving mean - batch mean) / sqrt(batch variance + epsilon): how many batch standard deviations inference shifts a typical channel.</param>
/// <param name="GammaMeanMagnitude">Mean |gamma| when the layer learns a scale; null otherwise.</param>
/// <param name="NearZeroGammaChannels">Channels with |gamma| below <see cref="BatchNormTelemetry.NearZeroGamma"/> (always 0 without a scale).</param>
/// <param name="DeadChannels">Channels of the following ReLU or CReLU that are zero for every value of the batch; null when no such activation follows.</param>
/// <param name="ActivationChannels">Channels of that activation (twice <paramref name="Channels"/> for CReLU); null when none follows.</param>
/// <param name="NonFiniteStatistics">NaN or infinite values in the moving mean and variance.</param>
/// <param name="NonFiniteParameters">NaN or infinite values in gamma and beta.</param>
/// <param name="NonFiniteBatchStatistics">NaN or infinite values in the batch mean and variance (the layers before it have diverged).</param>
public sealed record BatchNormLayerTelemetry(
    int Layer,
    int Channels,
    double Decay,
    double MeanDistance,
    double VarianceDistance,
    double MeanShift,
    double? GammaMeanMagnitude,
    int NearZeroGammaChannels,
    int? DeadChannels,
    int? ActivationChannels,
    int NonFiniteStatistics,
    int NonFiniteParameters,
    int NonFiniteBatchStatistics);
