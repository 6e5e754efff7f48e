using System.Globalization;
using System.Text;

namespace Ml.BatchNorm.Sweeps;

/// <summary>SVG plots of a study: optimization history and intermediate values per trial (self-contained files, no scripts).</summary>
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
