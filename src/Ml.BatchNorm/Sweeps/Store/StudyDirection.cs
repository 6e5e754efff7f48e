namespace Ml.BatchNorm.Sweeps;

/// <summary>Whether a study looks for the largest or the smallest metric value.</summary>
public enum StudyDirection
{
    /// <summary>Larger is better (accuracy).</summary>
    Maximize,

    /// <summary>Smaller is better (log loss).</summary>
    Minimize,
}

/// <summary>Comparisons in a study's direction.</summary>
public static class StudyDirectionExtensions
{
    /// <summary>True when <paramref name="a"/> is strictly better than <paramref name="b"/>.</summary>
    public static bool IsBetter(this StudyDirection direction, double a, double b) =>
        direction == StudyDirection.Maximize ? a > b : a < b;

    /// <summary>The value as a loss (smaller is better), so tuners and pruners need one code path.</summary>
    public static double AsLoss(this StudyDirection direction, double value) =>
        direction == StudyDirection.Maximize ? -value : value;
}
