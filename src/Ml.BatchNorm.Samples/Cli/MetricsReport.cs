using System.Globalization;
using Microsoft.ML.Data;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Renders evaluation metrics as tables.</summary>
internal static class MetricsReport
{
    public static void Write(IAnsiConsole console, string title, MulticlassClassificationMetrics metrics, bool confusion)
    {
        var table = new Table().Title(title).AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("accuracy (micro)", F(metrics.MicroAccuracy));
        table.AddRow("accuracy (macro)", F(metrics.MacroAccuracy));
        table.AddRow("log loss", F(metrics.LogLoss));
        table.AddRow("log-loss reduction", F(metrics.LogLossReduction));
        if (metrics.TopKPredictionCount > 0)
        {
            table.AddRow($"top-{metrics.TopKPredictionCount} accuracy", F(metrics.TopKAccuracy));
        }

        console.Write(table);
        if (confusion)
        {
            console.WriteLine(metrics.ConfusionMatrix.GetFormattedConfusionTable());
        }
    }

    private static string F(double value) => value.ToString("0.0000", CultureInfo.InvariantCulture);
}
