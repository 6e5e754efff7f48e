using Ml.BatchNorm.Diagnostics;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Prints batch-norm findings: one table, or one line each while a run is in progress.</summary>
internal static class FindingsReport
{
    public static void WriteTable(IAnsiConsole console, string title, IReadOnlyList<BatchNormFinding> findings)
    {
        if (findings.Count == 0)
        {
            console.MarkupLine($"[bold]{Markup.Escape(title)}[/]: [green]no findings[/]");
            return;
        }

        var table = new Table { Title = new TableTitle(title) }.AddColumns("code", "severity", "layer", "finding", "suggestion");
        foreach (var f in findings)
        {
            table.AddRow(
                new Text(f.Code),
                new Markup(Severity(f.Severity)),
                new Text(f.Layer?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-"),
                new Text(f.Message),
                new Text(f.Suggestion));
        }

        console.Write(table);
    }

    public static void WriteLine(IAnsiConsole console, BatchNormFinding finding) =>
        console.MarkupLine($"{Severity(finding.Severity)} {Markup.Escape(finding.Code)}{(finding.Layer is int l ? $" (layer {l})" : "")}: {Markup.Escape(finding.Message)} [italic]{Markup.Escape(finding.Suggestion)}[/]");

    private static string Severity(DiagnosticSeverity severity) => severity switch
    {
        DiagnosticSeverity.Error => "[red]error[/]",
        DiagnosticSeverity.Warning => "[yellow]warning[/]",
        _ => "[blue]info[/]",
    };
}
