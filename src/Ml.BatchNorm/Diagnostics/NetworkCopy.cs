using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>
/// Copies of a network that diagnostics may run in training mode without touching the original: a
/// training-mode forward updates the moving statistics of the network it runs on, so diagnostics
/// never run one on the caller's network. A copy has the same weights and moving statistics, built
/// from the same spec (or a prefix of it, or with dropout off) so that tensor names match.
/// </summary>
internal static class NetworkCopy
{
    /// <summary>
    /// A network built from <paramref name="spec"/> holding <paramref name="source"/>'s weights and moving statistics
    /// (those whose names exist in both). With <paramref name="freshMovingStatistics"/> the moving means, variances
    /// and batch counters keep their initial values instead: training-mode outputs never read them, and a damaged
    /// (NaN) moving variance copied over would make the copy's own update fail.
    /// </summary>
    public static Network Create(Network source, NetworkSpec spec, bool freshMovingStatistics = false)
    {
        var copy = new Network(spec, seed: 0, source.Device);
        try
        {
            var wanted = copy.GetTensorInfos()
                .Where(t => t.Role != TensorRole.Optimizer)
                .ToDictionary(t => t.Name, StringComparer.Ordinal);
            foreach (var info in source.GetTensorInfos())
            {
                if (info.Role != TensorRole.Optimizer && wanted.ContainsKey(info.Name) && !(freshMovingStatistics && IsMovingStatistic(info.Name)))
                {
                    copy.WriteTensor(info.Name, source.ReadTensor(info.Name));
                }
            }

            return copy;
        }
        catch
        {
            copy.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The spec with every dropout layer keeping everything (keep probability 1, an identity), so that
    /// a training-mode forward shows batch statistics without dropout's noise. Layers keep their
    /// indices, hence their tensor names.
    /// </summary>
    public static NetworkSpec WithoutDropout(NetworkSpec spec) =>
        spec with { Layers = spec.Layers.Select(l => l is DropoutLayer ? new DropoutLayer(1.0) : l).ToArray() };

    /// <summary>
    /// The spec, dropout off, with every batch norm averaging cumulatively over whole batches (no ghost batches, no
    /// renormalization): after one training-mode forward from fresh statistics a layer's moving mean and variance are
    /// exactly that batch's mean and unbiased variance, whatever averaging the original network uses.
    /// </summary>
    public static NetworkSpec ForBatchStatistics(NetworkSpec spec) =>
        WithoutDropout(spec) is var plain
            ? plain with
            {
                Layers = plain.Layers.Select(l => l is BatchNormLayer bn
                    ? bn with { Options = bn.Options with { MovingStatistics = MovingStatistics.CumulativeAverage, GhostBatchSize = 0, Renorm = false } }
                    : l).ToArray(),
            }
            : spec;

    private static bool IsMovingStatistic(string name) =>
        name.EndsWith(".running_mean", StringComparison.Ordinal) || name.EndsWith(".running_var", StringComparison.Ordinal) || name.EndsWith(".num_batches_tracked", StringComparison.Ordinal);

    /// <summary>Layers 0..<paramref name="lastLayer"/> of <paramref name="spec"/> with dropout off: their output is that layer's activations.</summary>
    public static NetworkSpec Prefix(NetworkSpec spec, int lastLayer) =>
        WithoutDropout(spec with { Layers = spec.Layers.Take(lastLayer + 1).ToArray() });

    /// <summary>Norm-wise relative distance ||a - b|| / ||b|| (DESIGN.md §7), with ||b|| floored at 1e-12.</summary>
    public static double RelativeDistance(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double diff = 0, reference = 0;
        for (int i = 0; i < a.Length; i++)
        {
            double d = (double)a[i] - b[i];
            diff += d * d;
            reference += (double)b[i] * b[i];
        }

        return Math.Sqrt(diff) / Math.Max(Math.Sqrt(reference), 1e-12);
    }

    /// <summary>Number of NaN or infinite values.</summary>
    public static int CountNonFinite(ReadOnlySpan<float> values)
    {
        int n = 0;
        foreach (float v in values)
        {
            if (!float.IsFinite(v))
            {
                n++;
            }
        }

        return n;
    }
}
