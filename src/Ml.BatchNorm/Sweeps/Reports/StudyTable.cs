using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Sweeps;

/// <summary>Plain-text and CSV views of a study's trials.</summary>
public static class StudyTable
{
    /// <summary>One line per trial, "trial N STATE VALUE" (VALUE "-" when none), then the summary line.</summary>
    public static IEnumerable<string> ShowLines(IReadOnlyList<TrialRecord> trials)
    {
        foreach (var t in trials)
        {
            yield return $"trial {t.Number} {t.State.ToString().ToLowerInvariant()} {(t.Value is double v ? v.ToString("R", CultureInfo.InvariantCulture) : "-")}";
        }

        yield return SweepResult.Summary(trials);
    }

    /// <summary>
    /// CSV: number, state, value, attempt, retry_of, worker, started, finished, seconds, epochs reported,
    /// then one column per parameter of the space, then the error (quoted).
    /// </summary>
    public static string Csv(IReadOnlyList<TrialRecord> trials, SearchSpace space)
    {
        var text = new StringBuilder();
        var names = space.Parameters.Select(p => p.Name).ToList();
        text.AppendLine(string.Join(",", new[] { "number", "state", "value", "attempt", "retry_of", "worker", "started_utc", "finished_utc", "seconds", "epochs_reported" }.Concat(names).Append("error")));
        foreach (var t in trials)
        {
            var cells = new List<string>
            {
                t.Number.ToString(CultureInfo.InvariantCulture),
                t.State.ToString().ToLowerInvariant(),
                t.Value?.ToString("R", CultureInfo.InvariantCulture) ?? "",
                t.Attempt.ToString(CultureInfo.InvariantCulture),
                t.RetryOf?.ToString(CultureInfo.InvariantCulture) ?? "",
                Quote(t.Worker ?? ""),
                t.Started?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "",
                t.Finished?.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) ?? "",
                t.Started is { } s && t.Finished is { } f ? (f - s).TotalSeconds.ToString("F3", CultureInfo.InvariantCulture) : "",
                t.Intermediate.Count.ToString(CultureInfo.InvariantCulture),
            };
            cells.AddRange(names.Select(n => t.Parameters.Has(n) ? Quote(t.Parameters.GetString(n)) : ""));
            cells.Add(Quote(t.Error?.Split('\n')[0] ?? ""));
            text.AppendLine(string.Join(",", cells));
        }

        return text.ToString();
    }

    private static string Quote(string cell) =>
        cell.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + cell.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : cell;
}
