namespace Ml.BatchNorm.Sweeps;

/// <summary>How a search-space parameter takes its values.</summary>
public enum ParameterKind
{
    /// <summary>A real number in a range.</summary>
    Float,

    /// <summary>An integer in a range.</summary>
    Int,

    /// <summary>One of a list of named values.</summary>
    Choice,
}
