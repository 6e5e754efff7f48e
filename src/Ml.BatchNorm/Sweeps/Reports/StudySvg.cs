using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Sweeps;

/// <summary>SVG plots of a study: optimization history, intermediate values per trial, parallel coordinates, parameter importance (self-contained files, no scripts).</summary>
public static class StudySvg
{
    private const int Width = 720;
    private const int Height = 400;
    private const int Margin = 56;

    /// <summary>Each finished trial's value by trial number (dots: complete filled, pruned hollow) and the best so far (line).</summary>
    public static string OptimizationHistory(IReadOnlyList<TrialRecord> trials, StudyDirection direction)
    {
        var points = trials.Where(t => t.IsFinished && t.Value is double v && double.IsFinite(v)).ToList();
        var plot = new Plot("Optimization history", "trial", "value",
            points.Select(t => (double)t.Number).DefaultIfEmpty(0), points.Select(t => t.Value!.Value).DefaultIfEmpty(0));
        double? best = null;
        var bestLine = new List<(double, double)>();
        foreach (var t in points.Where(t => t.State == TrialState.Complete))
        {
            if (best is null || direction.IsBetter(t.Value!.Value, best.Value))
            {
                best = t.Value;
            }

            bestLine.Add((t.Number, best!.Value));
        }

        plot.Line(bestLine, "#d62728");
        foreach (var t in points)
        {
            plot.Dot(t.Number, t.Value!.Value, t.State == TrialState.Complete ? "#1f77b4" : "none", "#1f77b4");
        }

        return plot.Finish();
    }

    /// <summary>Every trial's intermediate values by epoch, one line per trial (pruned trials grey).</summary>
    public static string IntermediateValues(IReadOnlyList<TrialRecord> trials)
    {
        var all = trials.SelectMany(t => t.Intermediate.Select(p => (X: (double)p.Key, Y: p.Value))).Where(p => double.IsFinite(p.Y)).ToList();
        var plot = new Plot("Intermediate values", "epoch", "value", all.Select(p => p.X).DefaultIfEmpty(1), all.Select(p => p.Y).DefaultIfEmpty(0));
        foreach (var t in trials.Where(t => t.Intermediate.Count > 0))
        {
            string color = t.State == TrialState.Pruned ? "#aaaaaa" : t.State == TrialState.Complete ? "#1f77b4" : "#ff7f0e";
            plot.Line(t.Intermediate.Where(p => double.IsFinite(p.Value)).Select(p => ((double)p.Key, p.Value)).ToList(), color);
        }

        return plot.Finish();
    }

    /// <summary>
    /// Parallel coordinates: one vertical axis per parameter (its unit scale: log ranges on a log axis,
    /// choices in order) and the value last; one line per complete trial, the better the darker.
    /// </summary>
    public static string ParallelCoordinates(IReadOnlyList<TrialRecord> trials, SearchSpace space, StudyDirection direction)
    {
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Value is double v && double.IsFinite(v)).ToList();
        int axes = space.Parameters.Count + 1;
        double Ax(int i) => Margin + (i * (Width - (2.0 * Margin)) / Math.Max(axes - 1, 1));
        double Ay(double unit) => Height - Margin - (unit * (Height - (2.0 * Margin)));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"11\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">Parallel coordinates</text>\n");
        double lo = complete.Count > 0 ? complete.Min(t => t.Value!.Value) : 0;
        double hi = complete.Count > 0 ? complete.Max(t => t.Value!.Value) : 1;
        double ValueUnit(double v) => hi > lo ? (v - lo) / (hi - lo) : 0.5;
        foreach (var t in complete.OrderBy(t => -direction.AsLoss(t.Value!.Value)))
        {
            double goodness = direction == StudyDirection.Maximize ? ValueUnit(t.Value!.Value) : 1 - ValueUnit(t.Value!.Value);
            int shade = (int)(200 - (170 * goodness));
            var points = space.Parameters.Select((p, i) => (Ax(i), Ay(t.Parameters.Has(p.Name) ? p.ToUnit(t.Parameters.Values[p.Name]) : 0.5)))
                .Append((Ax(axes - 1), Ay(ValueUnit(t.Value!.Value))));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"rgb({shade},{shade},255)\" stroke-width=\"1.2\" points=\"{string.Join(" ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Item1:F1},{p.Item2:F1}")))}\"/>\n");
        }

        var names = space.Parameters.Select(p => p.Name).Append("value").ToList();
        for (int i = 0; i < axes; i++)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Ax(i):F1}\" y1=\"{Margin}\" x2=\"{Ax(i):F1}\" y2=\"{Height - Margin}\" stroke=\"black\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Ax(i):F1}\" y=\"{Height - Margin + 16}\" text-anchor=\"middle\">{names[i]}</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    /// <summary>
    /// One horizontal bar per parameter, most important first: its <see cref="ParameterImportance.Importance"/>
    /// (share of the value's variance its bins explain, normalized to sum 1), with η² in the label.
    /// </summary>
    public static string Importance(IReadOnlyList<ParameterImportance> importances)
    {
        const int row = 24;
        const int labelWidth = 160;
        int height = Math.Max(Height / 2, (2 * Margin) + (row * importances.Count));
        double barWidth = Width - labelWidth - (2.0 * Margin);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{height}\" fill=\"white\"/>\n<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">Parameter importance</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"38\" text-anchor=\"middle\">share of the value's variance explained by each parameter's bins (η²), normalized to sum 1</text>\n");
        for (int i = 0; i < importances.Count; i++)
        {
            var p = importances[i];
            double y = Margin + (i * row);
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + labelWidth - 6}\" y=\"{y + 15}\" text-anchor=\"end\">{p.Name}</text>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{Margin + labelWidth}\" y=\"{y + 4}\" width=\"{barWidth * p.Importance:F1}\" height=\"{row - 8}\" fill=\"#1f77b4\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin + labelWidth + (barWidth * p.Importance) + 4:F1}\" y=\"{y + 15}\">{p.Importance:F3} (η² {p.ExplainedVariance:F3})</text>\n");
        }

        return svg.Append("</svg>\n").ToString();
    }

    private sealed class Plot
    {
        private readonly StringBuilder _svg = new();
        private readonly double _x0, _x1, _y0, _y1;

        public Plot(string title, string xLabel, string yLabel, IEnumerable<double> xs, IEnumerable<double> ys)
        {
            (_x0, _x1) = Bounds(xs);
            (_y0, _y1) = Bounds(ys);
            _svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{Width}\" height=\"{Height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{Width}\" height=\"{Height}\" fill=\"white\"/>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"20\" text-anchor=\"middle\" font-size=\"15\">{title}</text>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Height - Margin}\" x2=\"{Width - Margin}\" y2=\"{Height - Margin}\" stroke=\"black\"/>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{Margin}\" y1=\"{Margin}\" x2=\"{Margin}\" y2=\"{Height - Margin}\" stroke=\"black\"/>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Width / 2}\" y=\"{Height - 16}\" text-anchor=\"middle\">{xLabel}</text>\n");
            _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"16\" y=\"{Height / 2}\" text-anchor=\"middle\" transform=\"rotate(-90 16 {Height / 2})\">{yLabel}</text>\n");
            for (int i = 0; i <= 4; i++)
            {
                double x = _x0 + ((_x1 - _x0) * i / 4);
                double y = _y0 + ((_y1 - _y0) * i / 4);
                _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{X(x):F1}\" y=\"{Height - Margin + 16}\" text-anchor=\"middle\">{x:G4}</text>\n");
                _svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{Margin - 4}\" y=\"{Y(y) + 4:F1}\" text-anchor=\"end\">{y:G4}</text>\n");
            }
        }

        public void Line(IReadOnlyList<(double X, double Y)> points, string color)
        {
            if (points.Count > 0)
            {
                _svg.Append(CultureInfo.InvariantCulture, $"<polyline fill=\"none\" stroke=\"{color}\" stroke-width=\"1.5\" points=\"{string.Join(" ", points.Select(p => string.Create(CultureInfo.InvariantCulture, $"{X(p.X):F1},{Y(p.Y):F1}")))}\"/>\n");
            }
        }

        public void Dot(double x, double y, string fill, string stroke) =>
            _svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{X(x):F1}\" cy=\"{Y(y):F1}\" r=\"3.5\" fill=\"{fill}\" stroke=\"{stroke}\"/>\n");

        public string Finish() => _svg.Append("</svg>\n").ToString();

        private double X(double x) => Margin + ((x - _x0) / (_x1 - _x0) * (Width - (2 * Margin)));

        private double Y(double y) => Height - Margin - ((y - _y0) / (_y1 - _y0) * (Height - (2 * Margin)));

        private static (double, double) Bounds(IEnumerable<double> values)
        {
            var list = values.ToList();
            double lo = list.Min(), hi = list.Max();
            double pad = hi > lo ? (hi - lo) * 0.05 : Math.Max(Math.Abs(lo) * 0.05, 0.5);
            return (lo - pad, hi + pad);
        }
    }
}
