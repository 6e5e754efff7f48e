using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Evaluation;

/// <summary>
/// Renders a <see cref="ConfusionMatrix"/> as a fixed-width text table in the spirit of ML.NET's console output:
/// predicted classes across, true classes down, recall at the end of each row and precision on the last row.
/// </summary>
internal static class ConfusionTableFormatter
{
    private const string PredictedCaption = "PREDICTED";
    private const string TruthCaption = "TRUTH";
    private const string PrecisionCaption = "Precision";
    private const string RecallCaption = "Recall";

    // Wide enough for a ratio printed as "0.0000".
    private const int MinCellWidth = 6;

    public static string Format(ConfusionMatrix matrix)
    {
        int n = matrix.NumberOfClasses;
        CultureInfo inv = CultureInfo.InvariantCulture;

        // Columns widen to fit the longest name or count instead of truncating: an abbreviated class name
        // would make the table ambiguous, and a wide table is still readable.
        int cellWidth = MinCellWidth;
        int labelWidth = PredictedCaption.Length;
        for (int i = 0; i < n; i++)
        {
            cellWidth = Math.Max(cellWidth, matrix.ClassNames[i].Length);
            labelWidth = Math.Max(labelWidth, matrix.ClassNames[i].Length);
            for (int j = 0; j < n; j++)
                cellWidth = Math.Max(cellWidth, matrix.ConfusionTableCounts[i][j].ToString(inv).Length);
        }

        // Each cell is " value |", so a full row of cells is n * (cellWidth + 3) characters.
        string rule = new('=', n * (cellWidth + 3));
        var sb = new StringBuilder();

        sb.AppendLine("Confusion table");
        sb.Append(new string(' ', labelWidth)).Append(" ||").AppendLine(rule);

        sb.Append(PredictedCaption.PadRight(labelWidth)).Append(" ||");
        for (int j = 0; j < n; j++)
            AppendCell(sb, matrix.ClassNames[j], cellWidth);
        sb.Append(' ').AppendLine(RecallCaption);

        sb.Append(TruthCaption.PadRight(labelWidth)).Append(" ||").AppendLine(rule);

        for (int i = 0; i < n; i++)
        {
            sb.Append(matrix.ClassNames[i].PadLeft(labelWidth)).Append(" ||");
            for (int j = 0; j < n; j++)
                AppendCell(sb, matrix.ConfusionTableCounts[i][j].ToString(inv), cellWidth);
            sb.Append(' ').AppendLine(matrix.PerClassRecall[i].ToString("F4", inv));
        }

        sb.Append(new string(' ', labelWidth)).Append(" ||").AppendLine(rule);

        sb.Append(PrecisionCaption.PadRight(labelWidth)).Append(" ||");
        for (int j = 0; j < n; j++)
            AppendCell(sb, matrix.PerClassPrecision[j].ToString("F4", inv), cellWidth);
        sb.AppendLine();

        return sb.ToString();
    }

    private static void AppendCell(StringBuilder sb, string text, int width) =>
        sb.Append(' ').Append(text.PadLeft(width)).Append(" |");
}
