namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// A mixture of Gaussians truncated to [0, 1], one per observation plus a wide prior at 0.5, equally
/// weighted; each bandwidth is the larger gap to its sorted neighbours, clipped below by 1/min(100, n+1)
/// (the usual TPE heuristic).
/// </summary>
internal sealed class ParzenEstimator
{
    private readonly double[] _mu;
    private readonly double[] _sigma;

    public ParzenEstimator(IReadOnlyCollection<double> observations)
    {
        var points = observations.Append(0.5).Order().ToArray();
        int n = points.Length;
        double minSigma = 1.0 / Math.Min(100, n + 1);
        _mu = points;
        _sigma = new double[n];
        bool priorSeen = false;
        for (int i = 0; i < n; i++)
        {
            double left = points[i] - (i > 0 ? points[i - 1] : 0);
            double right = (i < n - 1 ? points[i + 1] : 1) - points[i];
            _sigma[i] = Math.Clamp(Math.Max(left, right), minSigma, 1.0);
            if (!priorSeen && points[i] == 0.5)
            {
                _sigma[i] = 1.0; // the prior component
                priorSeen = true;
            }
        }
    }

    public double Sample(ref TrialRandom random)
    {
        int k = random.NextInt(_mu.Length);
        for (int attempt = 0; attempt < 100; attempt++)
        {
            double x = _mu[k] + (_sigma[k] * random.NextGaussian());
            if (x is >= 0 and <= 1)
            {
                return x;
            }
        }

        return Math.Clamp(_mu[k], 0, 1);
    }

    public double LogDensity(double x)
    {
        double sum = 0;
        for (int i = 0; i < _mu.Length; i++)
        {
            double s = _sigma[i];
            double z = (x - _mu[i]) / s;
            double mass = NormalCdf((1 - _mu[i]) / s) - NormalCdf(-_mu[i] / s);
            sum += Math.Exp(-0.5 * z * z) / (s * Math.Sqrt(2 * Math.PI) * Math.Max(mass, 1e-12));
        }

        return Math.Log(Math.Max(sum / _mu.Length, 1e-300));
    }

    private static double NormalCdf(double z) => 0.5 * (1 + Erf(z / Math.Sqrt(2)));

    // Abramowitz and Stegun 7.1.26 (absolute error below 1.5e-7): ample for ranking candidates.
    private static double Erf(double x)
    {
        double sign = Math.Sign(x);
        x = Math.Abs(x);
        double t = 1 / (1 + (0.3275911 * x));
        double y = 1 - ((((((1.061405429 * t) - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return sign * y;
    }
}
