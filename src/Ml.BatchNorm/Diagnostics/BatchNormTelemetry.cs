using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// Measures every batch-norm layer on a batch: how far the moving statistics are from the batch
/// statistics, gamma's magnitude, dead channels and non-finite values.
/// </summary>
/// <remarks>
/// The network does not expose intermediate activations, and a training-mode forward updates the
/// moving statistics of the network it runs on. So the caller's network is never run in training
/// mode: a copy with the same weights (dropout off, every batch norm switched to a cumulative
/// average over whole batches, statistics fresh) runs one training-mode forward. A cumulative average
/// after one batch is that batch's statistics, so the copy's moving mean and variance are exactly the
/// batch mean and the unbiased batch variance of every layer, whatever averaging, ghost batching or
/// renormalization the original uses, all layers in one pass.
/// Dropout is off in the copy because the moving
/// statistics serve inference, where dropout is off. Dead channels come from prefix copies (the
/// layers up to the activation after each batch norm) run in training mode on the same batch.
/// </remarks>
public static class BatchNormTelemetry
{
    /// <summary>|gamma| below this counts as a channel switched off.</summary>
    public const double NearZeroGamma = 1e-3;

    /// <summary>Stale statistics are reported when <see cref="BatchNormLayerTelemetry.MeanShift"/> exceeds this many batch standard deviations.</summary>
    public const double StaleMeanShift = 0.5;

    /// <summary>Stale statistics are reported when <see cref="BatchNormLayerTelemetry.VarianceDistance"/> exceeds this.</summary>
    public const double StaleVarianceDistance = 0.5;

    /// <summary>Measures on the first <paramref name="count"/> rows of <paramref name="images"/> (at least two, as training mode needs). <paramref name="network"/> is not changed.</summary>
    public static BatchNormTelemetryReport Measure(Network network, ReadOnlySpan<float> images, int count)
    {
        ArgumentNullException.ThrowIfNull(network);
        var layers = MeasureBatch(network, images, count);
        return Report(network.Spec, layers.Select(l => l.Telemetry).ToArray(), count, 1);
    }

    /// <summary>
    /// Measures on <paramref name="batches"/> shuffled batches of <paramref name="batchSize"/> rows of
    /// <paramref name="data"/> (drawn with <paramref name="seed"/>) and averages the per-layer values;
    /// a channel counts as dead when it is dead on every batch. <paramref name="network"/> is not changed.
    /// </summary>
    public static BatchNormTelemetryReport Measure(Network network, ImageDataset data, int batchSize, int batches, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 2);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        batchSize = Math.Min(batchSize, data.Count);
        var sequence = new MiniBatchSequence(data, batchSize, seed, shuffle: true, LastBatchPolicy.Drop);
        using var buffer = new MiniBatchBuffer(sequence.MaxBatchSize, sequence.PixelsPerImage);
        var all = new List<LayerMeasure[]>();
        int rows = 0;
        for (int b = 0; b < batches; b++)
        {
            int n = sequence.Fill(b, buffer);
            all.Add(MeasureBatch(network, buffer.Images, n));
            rows += n;
        }

        var combined = new BatchNormLayerTelemetry[all[0].Length];
        for (int i = 0; i < combined.Length; i++)
        {
            var first = all[0][i].Telemetry;
            double Mean(Func<BatchNormLayerTelemetry, double> f) => all.Average(m => f(m[i].Telemetry));
            int? dead = null;
            if (all[0][i].Dead is not null)
            {
                dead = Enumerable.Range(0, all[0][i].Dead!.Length).Count(c => all.All(m => m[i].Dead![c]));
            }

            combined[i] = first with
            {
                MeanDistance = Mean(t => t.MeanDistance),
                VarianceDistance = Mean(t => t.VarianceDistance),
                MeanShift = Mean(t => t.MeanShift),
                DeadChannels = dead,
                NonFiniteBatchStatistics = all.Max(m => m[i].Telemetry.NonFiniteBatchStatistics),
            };
        }

        return Report(network.Spec, combined, rows, batches);
    }

    private sealed record LayerMeasure(BatchNormLayerTelemetry Telemetry, bool[]? Dead);

    private static LayerMeasure[] MeasureBatch(Network network, ReadOnlySpan<float> images, int count)
    {
        if (count < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "batch-norm telemetry needs a batch of at least two rows (training mode needs two values per channel).");
        }

        var spec = network.Spec;
        var bnLayers = Enumerable.Range(0, spec.Layers.Count).Where(i => spec.Layers[i] is BatchNormLayer).ToArray();
        if (bnLayers.Length == 0)
        {
            return [];
        }

        var batchMeans = new Dictionary<int, float[]>();
        var batchVars = new Dictionary<int, float[]>();
        using (var twin = NetworkCopy.Create(network, NetworkCopy.ForBatchStatistics(spec), freshMovingStatistics: true))
        {
            var output = new float[(long)count * twin.OutputSize];
            twin.Forward(images, count, training: true, step: 0, output);
            foreach (int i in bnLayers)
            {
                batchMeans[i] = twin.ReadTensor($"{i}.running_mean");
                batchVars[i] = twin.ReadTensor($"{i}.running_var");
            }
        }

        var result = new LayerMeasure[bnLayers.Length];
        for (int k = 0; k < bnLayers.Length; k++)
        {
            int i = bnLayers[k];
            var options = ((BatchNormLayer)spec.Layers[i]).Options;
            float[] movingMean = network.ReadTensor($"{i}.running_mean");
            float[] movingVar = network.ReadTensor($"{i}.running_var");
            float[] mean = batchMeans[i], variance = batchVars[i];
            float[]? gamma = options.Scale ? network.ReadTensor($"{i}.weight") : null;
            float[]? beta = options.Center ? network.ReadTensor($"{i}.bias") : null;

            double shift = 0;
            for (int c = 0; c < mean.Length; c++)
            {
                double d = (double)movingMean[c] - mean[c];
                shift += d * d / (variance[c] + options.Epsilon);
            }

            bool[]? dead = DeadChannels(network, spec, i, images, count);
            result[k] = new LayerMeasure(
                new BatchNormLayerTelemetry(
                    i,
                    mean.Length,
                    options.MovingAverageDecay,
                    NetworkCopy.RelativeDistance(movingMean, mean),
                    NetworkCopy.RelativeDistance(movingVar, variance),
                    Math.Sqrt(shift / mean.Length),
                    gamma?.Average(g => Math.Abs((double)g)),
                    gamma?.Count(g => Math.Abs(g) < NearZeroGamma) ?? 0,
                    dead?.Count(d => d),
                    dead?.Length,
                    NetworkCopy.CountNonFinite(movingMean) + NetworkCopy.CountNonFinite(movingVar),
                    (gamma is null ? 0 : NetworkCopy.CountNonFinite(gamma)) + (beta is null ? 0 : NetworkCopy.CountNonFinite(beta)),
                    NetworkCopy.CountNonFinite(mean) + NetworkCopy.CountNonFinite(variance)),
                dead);
        }

        return result;
    }

    /// <summary>Per channel of the ReLU/CReLU right after batch norm <paramref name="layer"/>: zero on every value of the batch (training mode, dropout off). Null when no such activation follows.</summary>
    private static bool[]? DeadChannels(Network network, NetworkSpec spec, int layer, ReadOnlySpan<float> images, int count)
    {
        if (layer + 1 >= spec.Layers.Count || spec.Layers[layer + 1] is not (ReluLayer or CReluLayer))
        {
            return null;
        }

        using var prefix = NetworkCopy.Create(network, NetworkCopy.Prefix(spec, layer + 1), freshMovingStatistics: true);
        var output = new float[(long)count * prefix.OutputSize];
        prefix.Forward(images, count, training: true, step: 0, output);
        int channels = network.ReadTensor($"{layer}.running_mean").Length * (spec.Layers[layer + 1] is CReluLayer ? 2 : 1);
        int perChannel = prefix.OutputSize / channels;
        var alive = new bool[channels];
        for (long row = 0; row < count; row++)
        {
            var values = output.AsSpan((int)(row * prefix.OutputSize), prefix.OutputSize);
            for (int c = 0; c < channels; c++)
            {
                if (!alive[c] && values.Slice(c * perChannel, perChannel).ContainsAnyExcept(0f))
                {
                    alive[c] = true;
                }
            }
        }

        return alive.Select(a => !a).ToArray();
    }

    private static BatchNormTelemetryReport Report(NetworkSpec spec, IReadOnlyList<BatchNormLayerTelemetry> layers, int rows, int batches)
    {
        var findings = new List<BatchNormFinding>();
        foreach (var t in layers)
        {
            int nonFinite = t.NonFiniteStatistics + t.NonFiniteParameters + t.NonFiniteBatchStatistics;
            if (nonFinite > 0)
            {
                findings.Add(new BatchNormFinding(
                    DiagnosticCodes.NonFiniteValues,
                    DiagnosticSeverity.Error,
                    $"non-finite values: {t.NonFiniteStatistics} in the moving statistics, {t.NonFiniteParameters} in gamma/beta, {t.NonFiniteBatchStatistics} in the batch statistics.",
                    t.NonFiniteBatchStatistics + t.NonFiniteParameters > 0
                        ? "Training diverged: retrain with a lower learning rate (or from a checkpoint before the divergence)."
                        : "The moving statistics are corrupt: recompute them from data (mlbn recalibrate) or reload them from a good model file.",
                    t.Layer));
                continue;
            }

            if (t.MeanShift > StaleMeanShift || t.VarianceDistance > StaleVarianceDistance)
            {
                findings.Add(new BatchNormFinding(
                    DiagnosticCodes.StaleStatistics,
                    DiagnosticSeverity.Warning,
                    string.Create(CultureInfo.InvariantCulture,
                        $"the moving statistics are far from the batch statistics: the moving mean is off by {t.MeanShift:0.##} batch standard deviations (RMS over channels; limit {StaleMeanShift}), the moving variance by {t.VarianceDistance:P0} (limit {StaleVarianceDistance:P0}); inference will normalize differently from training."),
                    string.Create(CultureInfo.InvariantCulture,
                        $"Recalibrate the statistics from training data (mlbn recalibrate), train longer, or lower the decay (now {t.Decay}; horizon {BatchNormHorizon.Horizon(t.Decay):0} steps)."),
                    t.Layer));
            }

            if (t.DeadChannels > 0 || t.NearZeroGammaChannels > 0)
            {
                findings.Add(new BatchNormFinding(
                    DiagnosticCodes.DeadChannels,
                    DiagnosticSeverity.Warning,
                    $"{t.DeadChannels ?? 0} of {t.ActivationChannels ?? 0} channels after the {(t.Layer + 1 < spec.Layers.Count && spec.Layers[t.Layer + 1] is CReluLayer ? "CReLU" : "activation")} are zero on every value of the batch, {t.NearZeroGammaChannels} of {t.Channels} channels have |gamma| < {NearZeroGamma}: they carry no information.",
                    "Lower the learning rate or the weight decay on gamma/beta, or check the initialization; a large negative beta switches a ReLU channel off for good.",
                    t.Layer));
            }
        }

        return new BatchNormTelemetryReport(layers, rows, batches, findings);
    }
}
