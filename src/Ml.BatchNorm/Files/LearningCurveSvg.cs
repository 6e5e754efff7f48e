using System.Globalization;
using System.Security;
using System.Text;
using Ml.BatchNorm.Diagnostics;

namespace Ml.BatchNorm.Files;

/// <summary>
/// Draws learning curves as a standalone SVG: an accuracy panel and a loss panel against the training
/// step, one colour per model, solid lines for test and dashed for train, with ticks, axis labels,
/// a legend and a title, so the picture reads without the CSV.
/// </summary>
public static class LearningCurveSvg
{
    private const int PanelWidth = 460;
    private const int PanelHeight = 300;
    private const int Left = 70;
    private const int Top = 70;
    private const int Gap = 100;
    private const int Width = Left + (2 * PanelWidth) + Gap + 30;
    private const int Height = Top + PanelHeight + 110;
    private static readonly string[] Palette = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

    /// <summary>Writes the chart of <paramref name="points"/> to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, IReadOnlyList<LearningCurvePoint> points, string title)
    {
        string svg = Render(points, title);
        AtomicFile.Write(path, stream => stream.Write(Encoding.UTF8.GetBytes(svg)));
    }

    /// <summary>The SVG document for <paramref name="points"/>.</summary>
    public static string Render(IReadOnlyList<LearningCurvePoint> points, string title)
    {
        ArgumentNullException.ThrowIfNull(points);
        var models = points.Select(p => p.Model).Distinct().ToArray();
        var splits = points.Select(p => p.Split).Distinct().OrderBy(s => s == BatchNormComparison.TestSplit ? 0 : 1).ToArray();
        long maxStep = points.Count == 0 ? 1 : Math.Max(1, points.Max(p => p.Step));
        double maxLoss = points.Select(p => p.Loss).Where(double.IsFinite).DefaultIfEmpty(1).Max();
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Escape(title)}</title>\n<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" font-weight=\"bold\">{Escape(title)}</text>\n");
        Panel(svg, Left, "accuracy (%)", "test and train accuracy", 0, 100, p => p.Accuracy * 100, points, models, splits, maxStep);
        Panel(svg, Left + PanelWidth + Gap, "loss (mean cross-entropy)", "test and train loss", 0, NiceCeiling(maxLoss), p => p.Loss, points, models, splits, maxStep);
        Legend(svg, models, splits);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int x0, string yLabel, string panelTitle, double yMin, double yMax, Func<LearningCurvePoint, double> value,
        IReadOnlyList<LearningCurvePoint> points, string[] models, string[] splits, long maxStep)
    {
        double X(double step) => x0 + (step / maxStep * PanelWidth);
        double Y(double v) => Top + PanelHeight - ((Math.Clamp(v, yMin, yMax) - yMin) / (yMax - yMin) * PanelHeight);
        var inv = CultureInfo.InvariantCulture;
        svg.Append(inv, $"<g class=\"panel\">\n<text x=\"{x0 + (PanelWidth / 2)}\" y=\"{Top - 12}\" text-anchor=\"middle\" font-size=\"14\">{Escape(panelTitle)}</text>\n");
        double yStep = NiceStep(yMax - yMin);
        for (double v = yMin; v <= yMax + (yStep / 1000); v += yStep)
        {
            svg.Append(inv, $"<line x1=\"{x0}\" y1=\"{Y(v):0.#}\" x2=\"{x0 + PanelWidth}\" y2=\"{Y(v):0.#}\" stroke=\"#e0e0e0\"/>");
            svg.Append(inv, $"<text x=\"{x0 - 6}\" y=\"{Y(v) + 4:0.#}\" text-anchor=\"end\">{v:0.##}</text>\n");
        }

        double xStep = Math.Max(1, NiceStep(maxStep));
        for (double s = 0; s <= maxStep + (xStep / 1000); s += xStep)
        {
            svg.Append(inv, $"<line x1=\"{X(s):0.#}\" y1=\"{Top + PanelHeight}\" x2=\"{X(s):0.#}\" y2=\"{Top + PanelHeight + 5}\" stroke=\"black\"/>");
            svg.Append(inv, $"<text x=\"{X(s):0.#}\" y=\"{Top + PanelHeight + 19}\" text-anchor=\"middle\">{s:0}</text>\n");
        }

        svg.Append(inv, $"<line x1=\"{x0}\" y1=\"{Top}\" x2=\"{x0}\" y2=\"{Top + PanelHeight}\" stroke=\"black\"/>");
        svg.Append(inv, $"<line x1=\"{x0}\" y1=\"{Top + PanelHeight}\" x2=\"{x0 + PanelWidth}\" y2=\"{Top + PanelHeight}\" stroke=\"black\"/>\n");
        svg.Append(inv, $"<text x=\"{x0 + (PanelWidth / 2)}\" y=\"{Top + PanelHeight + 40}\" text-anchor=\"middle\">training step</text>\n");
        svg.Append(inv, $"<text x=\"{x0 - 48}\" y=\"{Top + (PanelHeight / 2)}\" text-anchor=\"middle\" transform=\"rotate(-90 {x0 - 48} {Top + (PanelHeight / 2)})\">{Escape(yLabel)}</text>\n");
        for (int m = 0; m < models.Length; m++)
        {
            foreach (string split in splits)
            {
                var line = points.Where(p => p.Model == models[m] && p.Split == split && double.IsFinite(value(p))).OrderBy(p => p.Step)
                    .Select(p => string.Create(inv, $"{X(p.Step):0.#},{Y(value(p)):0.#}"));
                svg.Append(inv, $"<polyline class=\"series\" data-model=\"{Escape(models[m])}\" data-split=\"{Escape(split)}\" fill=\"none\" stroke=\"{Palette[m % Palette.Length]}\" stroke-width=\"{(split == BatchNormComparison.TestSplit ? 2 : 1.2)}\"{Dash(split)} points=\"{string.Join(' ', line)}\"/>\n");
            }
        }

        svg.Append("</g>\n");
    }

    private static void Legend(StringBuilder svg, string[] models, string[] splits)
    {
        var inv = CultureInfo.InvariantCulture;
        int x = Left, y = Top + PanelHeight + 70;
        for (int m = 0; m < models.Length; m++)
        {
            foreach (string split in splits)
            {
                svg.Append(inv, $"<line x1=\"{x}\" y1=\"{y}\" x2=\"{x + 30}\" y2=\"{y}\" stroke=\"{Palette[m % Palette.Length]}\" stroke-width=\"2\"{Dash(split)}/>");
                svg.Append(inv, $"<text x=\"{x + 36}\" y=\"{y + 4}\">{Escape(models[m])} {Escape(split)}</text>\n");
                x += 170;
            }
        }
    }

    private static string Dash(string split) => split == BatchNormComparison.TestSplit ? "" : " stroke-dasharray=\"5,4\"";

    /// <summary>1, 2 or 5 times a power of ten, giving about five intervals over <paramref name="range"/>.</summary>
    private static double NiceStep(double range)
    {
        double raw = range / 5;
        double power = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double f = raw / power;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
    }

    private static double NiceCeiling(double value)
    {
        double step = NiceStep(Math.Max(value, 1e-6));
        return Math.Ceiling(value / step) * step;
    }

    private static string Escape(string text) => SecurityElement.Escape(text);
}
