using System.Globalization;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// One dimension of a <see cref="SearchSpace"/>: a float or integer range (linear or log scale) or a list
/// of choices. Tuners work in a unit interval and map back through <see cref="FromUnit"/>, so every kind
/// is handled alike.
/// </summary>
public sealed record SearchParameter
{
    private SearchParameter(string name, ParameterKind kind, double min, double max, bool log, IReadOnlyList<string> choices)
    {
        Name = name;
        Kind = kind;
        Min = min;
        Max = max;
        Log = log;
        Choices = choices;
    }

    /// <summary>The parameter's name, unique in its space.</summary>
    public string Name { get; }

    /// <summary>Range or choice.</summary>
    public ParameterKind Kind { get; }

    /// <summary>The smallest value of a range (inclusive).</summary>
    public double Min { get; }

    /// <summary>The largest value of a range (inclusive).</summary>
    public double Max { get; }

    /// <summary>True when a range is searched on a log scale.</summary>
    public bool Log { get; }

    /// <summary>The values of a choice, in order; empty for ranges.</summary>
    public IReadOnlyList<string> Choices { get; }

    /// <summary>A real range [min, max], linear or log.</summary>
    public static SearchParameter Float(string name, double min, double max, bool log = false)
    {
        CheckRange(name, min, max, log);
        return new SearchParameter(name, ParameterKind.Float, min, max, log, []);
    }

    /// <summary>An integer range [min, max], linear or log.</summary>
    public static SearchParameter Int(string name, int min, int max, bool log = false)
    {
        CheckRange(name, min, max, log);
        if (log && min < 1)
        {
            throw new ArgumentException($"Search parameter '{name}': an integer log range needs min >= 1; got [{min}, {max}].", nameof(min));
        }

        return new SearchParameter(name, ParameterKind.Int, min, max, log, []);
    }

    /// <summary>A choice among distinct values.</summary>
    public static SearchParameter Choice(string name, params string[] choices)
    {
        CheckName(name);
        if (choices.Length == 0)
        {
            throw new ArgumentException($"Search parameter '{name}': a choice needs at least one value; got none.", nameof(choices));
        }

        var duplicate = choices.GroupBy(c => c, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Search parameter '{name}': the value '{duplicate.Key}' is listed twice.", nameof(choices));
        }

        return new SearchParameter(name, ParameterKind.Choice, 0, choices.Length - 1, false, choices.ToArray());
    }

    /// <summary>The number of distinct values of a choice or an integer range; null for a real range.</summary>
    public int? Cardinality => Kind switch
    {
        ParameterKind.Choice => Choices.Count,
        ParameterKind.Int => (int)(Max - Min) + 1,
        _ => null,
    };

    /// <summary>The value at a position u in [0, 1] of the (log-)scaled range; for a choice, the u-th bucket.</summary>
    public ParameterValue FromUnit(double u)
    {
        u = Math.Clamp(u, 0, 1);
        switch (Kind)
        {
            case ParameterKind.Choice:
                return ParameterValue.OfText(Choices[Math.Min((int)(u * Choices.Count), Choices.Count - 1)]);
            case ParameterKind.Int:
                {
                    // Buckets of equal width on the (log) scale, one per integer, so every value is reachable
                    // (a log range starts at 1 or more, so min - 0.5 stays positive).
                    var (lo, hi) = IntBounds();
                    double x = lo + (u * (hi - lo));
                    double v = Math.Round(Log ? Math.Exp(x) : x);
                    return ParameterValue.OfNumber(Math.Clamp(v, Min, Max));
                }
            default:
                {
                    double v = Log ? Math.Exp(Math.Log(Min) + (u * (Math.Log(Max) - Math.Log(Min)))) : Min + (u * (Max - Min));
                    return ParameterValue.OfNumber(Math.Clamp(v, Min, Max));
                }
        }
    }

    /// <summary>The position in [0, 1] of a value (the centre of its bucket for choices and integers).</summary>
    public double ToUnit(ParameterValue value)
    {
        switch (Kind)
        {
            case ParameterKind.Choice:
                {
                    int index = Choices.ToList().IndexOf(value.Text ?? "");
                    return index < 0 ? 0.5 : (index + 0.5) / Choices.Count;
                }
            case ParameterKind.Int:
                {
                    var (lo, hi) = IntBounds();
                    double x = Log ? Math.Log(value.Number) : value.Number;
                    return Math.Clamp((x - lo) / (hi - lo), 0, 1);
                }
            default:
                return Max == Min ? 0.5 : Log
                    ? Math.Clamp((Math.Log(value.Number) - Math.Log(Min)) / (Math.Log(Max) - Math.Log(Min)), 0, 1)
                    : Math.Clamp((value.Number - Min) / (Max - Min), 0, 1);
        }
    }

    /// <summary>Whether a value belongs to this parameter (a stored trial is checked against its space).</summary>
    public bool Contains(ParameterValue value) => Kind == ParameterKind.Choice
        ? value.Text is not null && Choices.Contains(value.Text)
        : value.Text is null && value.Number >= Min && value.Number <= Max && (Kind == ParameterKind.Float || value.Number == Math.Round(value.Number));

    /// <summary>A canonical one-line description: the unit of the space fingerprint and of its error messages.</summary>
    public string Describe() => Kind switch
    {
        ParameterKind.Choice => $"{Name}: choice {{{string.Join(", ", Choices)}}}",
        _ => string.Create(CultureInfo.InvariantCulture, $"{Name}: {(Kind == ParameterKind.Int ? "int" : "float")} [{Min:R}, {Max:R}]{(Log ? " log" : "")}"),
    };

    /// <inheritdoc/>
    public override string ToString() => Describe();

    private (double Lo, double Hi) IntBounds() =>
        Log ? (Math.Log(Min - 0.5), Math.Log(Max + 0.5)) : (Min - 0.5, Max + 0.5);

    private static void CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsWhiteSpace(c) || c is ':' or ',' or '=' or '"'))
        {
            throw new ArgumentException($"Search parameter name '{name}' must be non-empty, without spaces, ':', ',', '=' or quotes.", nameof(name));
        }
    }

    private static void CheckRange(string name, double min, double max, bool log)
    {
        CheckName(name);
        if (!double.IsFinite(min) || !double.IsFinite(max))
        {
            throw new ArgumentException($"Search parameter '{name}': the range [{min}, {max}] must have finite ends.", nameof(min));
        }

        if (max < min)
        {
            throw new ArgumentException($"Search parameter '{name}': the range [{min}, {max}] is empty (max < min); expected min <= max.", nameof(max));
        }

        if (log && min <= 0)
        {
            throw new ArgumentException($"Search parameter '{name}': a log range needs min > 0; got [{min}, {max}].", nameof(min));
        }
    }
}
