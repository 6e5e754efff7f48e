using System.Security.Cryptography;
using System.Text;

namespace Ml.BatchNorm.Sweeps;

/// <summary>
/// The parameters a sweep searches, declared once with a builder:
/// <c>new SearchSpace().Float("learning_rate", 1e-4, 0.1, log: true).Choice("optimizer", "adam", "sgd")</c>.
/// A study stores the space's <see cref="Describe"/> text; opening it with another space is refused with
/// the difference (<see cref="Difference"/>).
/// </summary>
public sealed class SearchSpace
{
    private readonly List<SearchParameter> _parameters = [];

    /// <summary>The parameters, in declaration order (the order tuners draw them in).</summary>
    public IReadOnlyList<SearchParameter> Parameters => _parameters;

    /// <summary>Adds a parameter; names are unique.</summary>
    public SearchSpace Add(SearchParameter parameter)
    {
        if (_parameters.Any(p => p.Name == parameter.Name))
        {
            throw new ArgumentException($"Search space: the parameter '{parameter.Name}' is declared twice.", nameof(parameter));
        }

        _parameters.Add(parameter);
        return this;
    }

    /// <summary>Adds a real range.</summary>
    public SearchSpace Float(string name, double min, double max, bool log = false) => Add(SearchParameter.Float(name, min, max, log));

    /// <summary>Adds an integer range.</summary>
    public SearchSpace Int(string name, int min, int max, bool log = false) => Add(SearchParameter.Int(name, min, max, log));

    /// <summary>Adds a choice.</summary>
    public SearchSpace Choice(string name, params string[] choices) => Add(SearchParameter.Choice(name, choices));

    /// <summary>The parameter of that name, or an error listing the names.</summary>
    public SearchParameter this[string name] => _parameters.FirstOrDefault(p => p.Name == name)
        ?? throw new KeyNotFoundException($"Search space has no parameter '{name}'; it has: {string.Join(", ", _parameters.Select(p => p.Name))}.");

    /// <summary>One line per parameter, in order: what a study stores.</summary>
    public string Describe() => string.Join("\n", _parameters.Select(p => p.Describe()));

    /// <summary>A short stable hash of <see cref="Describe"/>.</summary>
    public string Fingerprint() => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Describe())))[..16];

    /// <summary>
    /// Null when a stored description equals this space; otherwise what differs, one parameter at a time
    /// ("'lr' is float [0.001, 0.1] log in the study but float [0.0001, 0.1] log here").
    /// </summary>
    public string? Difference(string storedDescription)
    {
        string mine = Describe();
        if (mine == storedDescription)
        {
            return null;
        }

        static Dictionary<string, string> Lines(string text) => text.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToDictionary(l => l[..l.IndexOf(':')], l => l[(l.IndexOf(':') + 2)..], StringComparer.Ordinal);
        var stored = Lines(storedDescription);
        var here = Lines(mine);
        var differences = new List<string>();
        foreach (var (name, description) in stored)
        {
            if (!here.TryGetValue(name, out var other))
            {
                differences.Add($"'{name}' ({description}) is in the study but not in this search space");
            }
            else if (other != description)
            {
                differences.Add($"'{name}' is {description} in the study but {other} here");
            }
        }

        differences.AddRange(here.Where(p => !stored.ContainsKey(p.Key)).Select(p => $"'{p.Key}' ({p.Value}) is in this search space but not in the study"));
        if (differences.Count == 0)
        {
            differences.Add("the parameters are declared in another order");
        }

        return string.Join("; ", differences);
    }

    /// <summary>Integer ranges with at most this many values are enumerated whole by <see cref="Grid"/>.</summary>
    public const int MaxEnumeratedIntegers = 16;

    /// <summary>
    /// Every combination, in odometer order (last parameter fastest): all choices, every value of an
    /// integer range of up to <see cref="MaxEnumeratedIntegers"/> values, and <paramref name="pointsPerRealRange"/>
    /// evenly spaced points (on the range's scale) of real and larger integer ranges.
    /// </summary>
    public IReadOnlyList<TrialParameters> Grid(int pointsPerRealRange)
    {
        var axes = _parameters.Select(p => Axis(p, pointsPerRealRange)).ToArray();
        var result = new List<TrialParameters>();
        var index = new int[axes.Length];
        long total = axes.Aggregate(1L, (n, a) => n * a.Count);
        if (total > 1_000_000)
        {
            throw new ArgumentException($"Search space: the grid has {total} points; at most 1,000,000 are supported. Use fewer choices or grid points.");
        }

        for (long k = 0; k < total; k++)
        {
            var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
            for (int i = 0; i < axes.Length; i++)
            {
                values[_parameters[i].Name] = axes[i][index[i]];
            }

            result.Add(new TrialParameters(values));
            for (int i = axes.Length - 1; i >= 0; i--)
            {
                if (++index[i] < axes[i].Count)
                {
                    break;
                }

                index[i] = 0;
            }
        }

        return result;
    }

    private static List<ParameterValue> Axis(SearchParameter p, int points)
    {
        if (p.Cardinality is int n && (p.Kind == ParameterKind.Choice || n <= Math.Max(points, MaxEnumeratedIntegers)))
        {
            return p.Kind == ParameterKind.Choice
                ? p.Choices.Select(ParameterValue.OfText).ToList()
                : Enumerable.Range(0, n).Select(i => ParameterValue.OfNumber(p.Min + i)).ToList();
        }

        return points <= 1
            ? [p.FromUnit(0.5)]
            : Enumerable.Range(0, points).Select(i => p.FromUnit((double)i / (points - 1))).Distinct().ToList();
    }
}
