using System.Globalization;

namespace Ml.BatchNorm.Sweeps;

/// <summary>A parameter's value in a trial: a number (ranges, full double precision) or a text (choices).</summary>
public readonly record struct ParameterValue(double Number, string? Text)
{
    /// <summary>A numeric value.</summary>
    public static ParameterValue OfNumber(double number) => new(number, null);

    /// <summary>A choice's value.</summary>
    public static ParameterValue OfText(string text) => new(double.NaN, text);

    /// <inheritdoc/>
    public override string ToString() => Text ?? Number.ToString("R", CultureInfo.InvariantCulture);
}
