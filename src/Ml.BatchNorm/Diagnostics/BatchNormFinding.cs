namespace Ml.BatchNorm.Diagnostics;

/// <summary>One result of a batch-norm diagnostic: what was found and what to do about it.</summary>
/// <param name="Code">Stable identifier, one of <see cref="DiagnosticCodes"/>.</param>
/// <param name="Severity">How much it matters.</param>
/// <param name="Message">What was found, with the numbers behind it.</param>
/// <param name="Suggestion">What to do about it.</param>
/// <param name="Layer">Index of the layer in the <see cref="Engine.NetworkSpec"/> it concerns; null for the whole network.</param>
public sealed record BatchNormFinding(string Code, DiagnosticSeverity Severity, string Message, string Suggestion, int? Layer = null)
{
    /// <summary>One line: severity, code, layer, message and suggestion.</summary>
    public override string ToString() =>
        $"{Severity.ToString().ToLowerInvariant()} {Code}{(Layer is int l ? $" (layer {l})" : "")}: {Message} {Suggestion}";
}
