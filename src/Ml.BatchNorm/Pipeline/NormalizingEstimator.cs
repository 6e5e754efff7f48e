using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Learns a per-slot affine map of a Single or known-size Single vector column, with ML.NET's formulas:
/// <list type="bullet">
/// <item><b>MinMax</b>: with fixZero, x × 1/max(|min|, |max|) (zero stays zero; results in [-1, 1]); without,
/// (x - min) × 1/(max - min) (results in [0, 1]).</item>
/// <item><b>MeanVariance</b>: with fixZero, x × 1/sqrt(variance + mean²); without, (x - mean) × 1/stddev. The variance
/// is the population one (divide by n), as in ML.NET. With useCdf the output is the normal CDF of (x - mean)/stddev,
/// computed with the same closed-form erf approximation ML.NET uses (Winitzki's, a = 0.147); fixZero is then ignored.</item>
/// </list>
/// A slot with no spread (max = min, or zero variance) carries no information and maps every finite value to 0
/// (0.5 with useCdf, the CDF at its own mean: ML.NET's CDF divides by the zero deviation instead). Statistics come from
/// one streaming pass over at most maximumExampleCount rows; NaN values are skipped when fitting and stay NaN.
/// </summary>
public sealed class NormalizingEstimator : IEstimator<NormalizingTransformer>
{
    internal const string Expected = "a Single or a known-size Single vector";

    internal NormalizingEstimator(NormalizerMode mode, string outputColumnName, string? inputColumnName, long maximumExampleCount, bool fixZero, bool useCdf)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentOutOfRangeException.ThrowIfLessThan(maximumExampleCount, 2);
        Mode = mode;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName ?? outputColumnName;
        MaximumExampleCount = maximumExampleCount;
        FixZero = fixZero;
        UseCdf = useCdf;
    }

    /// <summary>Min-max or mean-variance.</summary>
    public NormalizerMode Mode { get; }

    /// <summary>The normalized column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column normalized.</summary>
    public string InputColumnName { get; }

    /// <summary>The most rows read when fitting.</summary>
    public long MaximumExampleCount { get; }

    /// <summary>Whether zero maps to zero (no offset).</summary>
    public bool FixZero { get; }

    /// <summary>Whether mean-variance outputs the normal CDF.</summary>
    public bool UseCdf { get; }

    internal string StageName => Mode == NormalizerMode.MinMax ? "NormalizeMinMax" : "NormalizeMeanVariance";

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        var column = SchemaChecks.Require(inputSchema, InputColumnName, StageName, Expected, NormalizingTransformer.IsSupported);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, column.Type)]).Schema;
    }

    /// <summary>Reads the column once (up to <see cref="MaximumExampleCount"/> rows) and computes each slot's scale and offset.</summary>
    /// <exception cref="InvalidOperationException">The data has no rows.</exception>
    public NormalizingTransformer Fit(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        GetOutputSchema(input.Schema);
        var column = input.Schema[InputColumnName];
        int slots = column.Type is VectorDataViewType v ? v.Size : 1;
        var statistics = new SlotStatistics(slots);
        long rows = 0;
        using (var cursor = input.GetRowCursor([column]))
        {
            var readVector = column.Type is VectorDataViewType ? cursor.GetGetter<VBuffer<float>>(column) : null;
            var readScalar = readVector is null ? cursor.GetGetter<float>(column) : null;
            var vector = default(VBuffer<float>);
            float scalar = 0;
            while (rows < MaximumExampleCount && cursor.MoveNext())
            {
                if (readVector is not null)
                {
                    readVector(ref vector);
                    if (vector.Length != slots)
                    {
                        throw new InvalidOperationException($"{StageName}: row {cursor.Position} of column '{column.Name}' holds {vector.Length} values; its type says {slots}.");
                    }

                    statistics.Add(vector.GetValues());
                }
                else
                {
                    readScalar!(ref scalar);
                    statistics.Add(new ReadOnlySpan<float>(in scalar));
                }

                rows++;
            }
        }

        if (rows == 0)
        {
            throw new InvalidOperationException($"{StageName}: column '{column.Name}' has no rows to learn from.");
        }

        var scale = new float[slots];
        var offset = new float[slots];
        for (int i = 0; i < slots; i++)
        {
            (scale[i], offset[i]) = Mode == NormalizerMode.MinMax ? MinMax(statistics, i) : MeanVariance(statistics, i);
        }

        return new NormalizingTransformer(Mode, OutputColumnName, InputColumnName, column.Type, scale, offset, Mode == NormalizerMode.MeanVariance && UseCdf);
    }

    // The arithmetic follows ML.NET's single-precision normalizer: the scale is computed in float from float bounds.
    private (float Scale, float Offset) MinMax(SlotStatistics s, int i)
    {
        float min = s.Min(i), max = s.Max(i);
        if (!(max > min))
        {
            return (0, 0);
        }

        if (FixZero)
        {
            return (1 / Math.Max(Math.Abs(max), Math.Abs(min)), 0);
        }

        float scale = 1 / (max - min);
        return scale == 0 ? (0, 0) : (scale, min);
    }

    private (float Scale, float Offset) MeanVariance(SlotStatistics s, int i)
    {
        double mean = s.Mean(i), variance = s.Variance(i);
        if (variance == 0)
        {
            return (0, UseCdf ? (float)mean : 0);
        }

        if (UseCdf || !FixZero)
        {
            float scale = 1 / (float)Math.Sqrt(variance);
            return scale == 0 ? (0, 0) : (scale, (float)mean);
        }

        return (1 / (float)Math.Sqrt(variance + mean * mean), 0);
    }
}
