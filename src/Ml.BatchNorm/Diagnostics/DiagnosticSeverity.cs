namespace Ml.BatchNorm.Diagnostics;

/// <summary>How much a <see cref="BatchNormFinding"/> matters.</summary>
public enum DiagnosticSeverity
{
    /// <summary>Worth knowing; nothing is wrong yet.</summary>
    Info = 0,

    /// <summary>Likely to cost accuracy or training time.</summary>
    Warning = 1,

    /// <summary>The network cannot score correctly as it stands (for example NaN statistics).</summary>
    Error = 2,
}
