namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Per-slot minimum, maximum, mean and sum of squared deviations, updated one row at a time (Welford's method, in
/// double), so a normalizer fits in one streaming pass with memory proportional to the slot count, never the row
/// count. NaN values are skipped, as ML.NET's aggregators skip them.
/// </summary>
internal sealed class SlotStatistics
{
    private readonly float[] _min;
    private readonly float[] _max;
    private readonly double[] _mean;
    private readonly double[] _m2;
    private readonly long[] _count;

    public SlotStatistics(int slots)
    {
        _min = new float[slots];
        _max = new float[slots];
        _mean = new double[slots];
        _m2 = new double[slots];
        _count = new long[slots];
        Array.Fill(_min, float.PositiveInfinity);
        Array.Fill(_max, float.NegativeInfinity);
    }

    public int Slots => _min.Length;

    public void Add(ReadOnlySpan<float> row)
    {
        for (int i = 0; i < row.Length; i++)
        {
            float x = row[i];
            if (float.IsNaN(x))
            {
                continue;
            }

            _min[i] = Math.Min(_min[i], x);
            _max[i] = Math.Max(_max[i], x);
            long n = ++_count[i];
            double delta = x - _mean[i];
            _mean[i] += delta / n;
            _m2[i] += delta * (x - _mean[i]);
        }
    }

    public float Min(int slot) => _min[slot];

    public float Max(int slot) => _max[slot];

    public double Mean(int slot) => _mean[slot];

    /// <summary>The population variance (divide by n), as ML.NET's mean-variance normalizer uses; 0 for an empty slot.</summary>
    public double Variance(int slot) => _count[slot] == 0 ? 0 : _m2[slot] / _count[slot];
}
