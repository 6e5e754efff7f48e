namespace Ml.BatchNorm.Tests.Engine;

/// <summary>
/// Float64 reference for ghost batches and batch renormalization, independent of libtorch. Layout
/// NCHW (or NC): value (b, c, s) at ((b * channels) + c) * spatial + s.
/// </summary>
internal static class BatchNormModesReference
{
    /// <summary>Per-ghost-batch statistics: first example, example count, mean, biased variance.</summary>
    internal sealed record Ghost(int Start, int Count, double[] Mean, double[] BiasedVariance)
    {
        public double[] UnbiasedVariance(int spatial)
        {
            double n = Count * spatial;
            return BiasedVariance.Select(v => v * n / (n - 1)).ToArray();
        }
    }

    /// <summary>Renorm inputs: rmax, dmax and the moving mean and standard deviation r and d use.</summary>
    internal sealed record Renorm(double MaxR, double MaxD, double[] MovingMean, double[] MovingStd);

    /// <summary>The batch split into consecutive ghost batches of <paramref name="ghostSize"/> examples (0: one), the last one smaller.</summary>
    public static List<Ghost> Ghosts(double[] x, int batch, int channels, int spatial, int ghostSize)
    {
        int size = ghostSize <= 0 ? batch : ghostSize;
        var result = new List<Ghost>();
        for (int start = 0; start < batch; start += size)
        {
            int count = Math.Min(size, batch - start);
            var mean = new double[channels];
            var variance = new double[channels];
            int n = count * spatial;
            for (int c = 0; c < channels; c++)
            {
                double sum = 0;
                for (int b = start; b < start + count; b++)
                {
                    for (int s = 0; s < spatial; s++)
                    {
                        sum += x[((b * channels) + c) * spatial + s];
                    }
                }

                mean[c] = sum / n;
                double squares = 0;
                for (int b = start; b < start + count; b++)
                {
                    for (int s = 0; s < spatial; s++)
                    {
                        double d = x[((b * channels) + c) * spatial + s] - mean[c];
                        squares += d * d;
                    }
                }

                variance[c] = squares / n;
            }

            result.Add(new Ghost(start, count, mean, variance));
        }

        return result;
    }

    /// <summary>r and d per ghost batch and channel: clip(sigma_B / sigma, 1/rmax, rmax) and clip((mu_B - mu) / sigma, -dmax, dmax).</summary>
    public static (double[][] R, double[][] D) RenormFactors(List<Ghost> ghosts, double epsilon, Renorm renorm)
    {
        var r = new double[ghosts.Count][];
        var d = new double[ghosts.Count][];
        for (int g = 0; g < ghosts.Count; g++)
        {
            int channels = ghosts[g].Mean.Length;
            r[g] = new double[channels];
            d[g] = new double[channels];
            for (int c = 0; c < channels; c++)
            {
                double sigmaB = Math.Sqrt(ghosts[g].BiasedVariance[c] + epsilon);
                r[g][c] = Math.Clamp(sigmaB / renorm.MovingStd[c], 1 / renorm.MaxR, renorm.MaxR);
                d[g][c] = Math.Clamp((ghosts[g].Mean[c] - renorm.MovingMean[c]) / renorm.MovingStd[c], -renorm.MaxD, renorm.MaxD);
            }
        }

        return (r, d);
    }

    /// <summary>
    /// Training-mode output: each ghost batch normalized with its biased statistics, times r plus d
    /// where given (r and d are inputs, as the stop-gradient makes them), then gamma and beta.
    /// </summary>
    public static double[] Forward(double[] x, int batch, int channels, int spatial, int ghostSize, double epsilon, double[]? gamma, double[]? beta, double[][]? r = null, double[][]? d = null)
    {
        var ghosts = Ghosts(x, batch, channels, spatial, ghostSize);
        var y = new double[x.Length];
        for (int g = 0; g < ghosts.Count; g++)
        {
            var ghost = ghosts[g];
            for (int b = ghost.Start; b < ghost.Start + ghost.Count; b++)
            {
                for (int c = 0; c < channels; c++)
                {
                    double inv = 1 / Math.Sqrt(ghost.BiasedVariance[c] + epsilon);
                    for (int s = 0; s < spatial; s++)
                    {
                        int i = ((b * channels) + c) * spatial + s;
                        double v = (x[i] - ghost.Mean[c]) * inv;
                        if (r is not null)
                        {
                            v = (v * r[g][c]) + d![g][c];
                        }

                        y[i] = (v * (gamma?[c] ?? 1.0)) + (beta?[c] ?? 0.0);
                    }
                }
            }
        }

        return y;
    }

    /// <summary>Mean cross-entropy of logits (batch x classes) against labels.</summary>
    public static double CrossEntropy(double[] logits, long[] labels, int batch, int classes)
    {
        double total = 0;
        for (int b = 0; b < batch; b++)
        {
            double max = double.NegativeInfinity;
            for (int k = 0; k < classes; k++)
            {
                max = Math.Max(max, logits[(b * classes) + k]);
            }

            double sum = 0;
            for (int k = 0; k < classes; k++)
            {
                sum += Math.Exp(logits[(b * classes) + k] - max);
            }

            total += max + Math.Log(sum) - logits[(b * classes) + (int)labels[b]];
        }

        return total / batch;
    }

    /// <summary>z = x W^T for x (batch x inputs) and W (outputs x inputs), row-major.</summary>
    public static double[] Dense(double[] x, double[] w, int batch, int inputs, int outputs)
    {
        var z = new double[batch * outputs];
        for (int b = 0; b < batch; b++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double sum = 0;
                for (int i = 0; i < inputs; i++)
                {
                    sum += x[(b * inputs) + i] * w[(o * inputs) + i];
                }

                z[(b * outputs) + o] = sum;
            }
        }

        return z;
    }
}
