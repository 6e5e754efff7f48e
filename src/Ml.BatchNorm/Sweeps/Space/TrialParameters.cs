using System.Globalization;

namespace Ml.BatchNorm.Sweeps;

/// <summary>The parameter values of one trial, by name.</summary>
public sealed class TrialParameters
{
    private readonly SortedDictionary<string, ParameterValue> _values;

    /// <summary>Wraps values by parameter name.</summary>
    public TrialParameters(IReadOnlyDictionary<string, ParameterValue> values) =>
        _values = new SortedDictionary<string, ParameterValue>(values.ToDictionary(), StringComparer.Ordinal);

    /// <summary>The values, sorted by name.</summary>
    public IReadOnlyDictionary<string, ParameterValue> Values => _values;

    /// <summary>A numeric value, or an error naming the missing parameter.</summary>
    public double GetDouble(string name) => Get(name).Text is { } text
        ? double.Parse(text, CultureInfo.InvariantCulture)
        : Get(name).Number;

    /// <summary>An integer value (integer ranges, or choices whose values are integers).</summary>
    public int GetInt(string name) => checked((int)Math.Round(GetDouble(name)));

    /// <summary>A choice's text (or a number's invariant text).</summary>
    public string GetString(string name) => Get(name).ToString();

    /// <summary>A choice between "on"/"true" and "off"/"false".</summary>
    public bool GetBool(string name) => GetString(name) switch
    {
        "on" or "true" => true,
        "off" or "false" => false,
        var other => throw new FormatException($"Trial parameter '{name}' is '{other}'; expected on/off or true/false."),
    };

    /// <summary>The numeric value, or <paramref name="fallback"/> when the space has no such parameter.</summary>
    public double GetDouble(string name, double fallback) => Has(name) ? GetDouble(name) : fallback;

    /// <summary>The integer value, or <paramref name="fallback"/> when the space has no such parameter.</summary>
    public int GetInt(string name, int fallback) => Has(name) ? GetInt(name) : fallback;

    /// <summary>The on/off value, or <paramref name="fallback"/> when the space has no such parameter.</summary>
    public bool GetBool(string name, bool fallback) => Has(name) ? GetBool(name) : fallback;

    /// <summary>The parsed enum value of a choice, or <paramref name="fallback"/> when the space has no such parameter.</summary>
    public T GetEnum<T>(string name, T fallback)
        where T : struct, Enum => Has(name) ? Enum.Parse<T>(GetString(name), ignoreCase: true) : fallback;

    /// <summary>True when the parameter is present.</summary>
    public bool Has(string name) => _values.ContainsKey(name);

    /// <summary>"name=value, …" in name order: the stable key a grid uses to spot duplicates.</summary>
    public string Key() => string.Join(", ", _values.Select(p => $"{p.Key}={p.Value}"));

    /// <inheritdoc/>
    public override string ToString() => Key();

    private ParameterValue Get(string name) => _values.TryGetValue(name, out var v)
        ? v
        : throw new KeyNotFoundException($"Trial has no parameter '{name}'; it has: {string.Join(", ", _values.Keys)}.");
}
