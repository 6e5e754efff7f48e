namespace Ml.BatchNorm.Tests.Engine;

/// <summary>A plain float64 batch normalization, independent of libtorch, for checking the engine.</summary>
internal static class BatchNormReference
{
    /// <summary>Per-channel mean, biased variance and unbiased variance of an NCHW (or NC) batch.</summary>
    public static (double[] Mean, double[] BiasedVariance, double[] UnbiasedVariance) Moments(float[] x, int batch, int channels, int spatial)
    {
        var mean = new double[channels];
        var biased = new double[channels];
        var unbiased = new double[channels];
        int n = batch * spatial;
        for (int c = 0; c < channels; c++)
        {
            double sum = 0;
            for (int b = 0; b < batch; b++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    sum += x[((b * channels) + c) * spatial + s];
                }
            }

            double m = sum / n;
            double squares = 0;
            for (int b = 0; b < batch; b++)
            {
                for (int s = 0; s < spatial; s++)
                {
                    double d = x[((b * channels) + c) * spatial + s] - m;
                    squares += d * d;
                }
            }

            mean[c] = m;
            biased[c] = squares / n;
            unbiased[c] = squares / (n - 1);
        }

        return (mean, biased, unbiased);
    }

    /// <summary>y = gamma * (x - mean) / sqrt(var + eps) + beta with the given per-channel statistics.</summary>
    public static double[] Normalize(float[] x, int batch, int channels, int spatial, double[] mean, double[] variance, double epsilon, double[]? gamma, double[]? beta)
    {
        var y = new double[x.Length];
        for (int b = 0; b < batch; b++)
        {
            for (int c = 0; c < channels; c++)
            {
                double inv = 1.0 / Math.Sqrt(variance[c] + epsilon);
                for (int s = 0; s < spatial; s++)
                {
                    int i = ((b * channels) + c) * spatial + s;
                    y[i] = ((x[i] - mean[c]) * inv * (gamma?[c] ?? 1.0)) + (beta?[c] ?? 0.0);
                }
            }
        }

        return y;
    }

    /// <summary>||a - b|| / ||b||, the norm-wise relative error of DESIGN §7.</summary>
    public static double RelativeError(IReadOnlyList<float> actual, IReadOnlyList<double> expected)
    {
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Count; i++)
        {
            double d = actual[i] - expected[i];
            diff += d * d;
            norm += expected[i] * expected[i];
        }

        return Math.Sqrt(diff) / Math.Sqrt(norm);
    }

    public static float[] RandomInput(int length, int seed, double offset = 0, double scale = 1)
    {
        var random = new Random(seed);
        var x = new float[length];
        for (int i = 0; i < length; i++)
        {
            x[i] = (float)(offset + (scale * ((random.NextDouble() * 2) - 1)));
        }

        return x;
    }
}
