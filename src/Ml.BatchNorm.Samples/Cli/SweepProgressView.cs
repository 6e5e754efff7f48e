using System.Globalization;
using Ml.BatchNorm.Sweeps;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// What <c>mlbn sweep</c> shows while trials run. On a terminal: a live table of this process's trials
/// (number, state, epochs done, latest value, parameters). Otherwise (output redirected: logs, CI, tests):
/// one plain line per trial state change, since a redrawn table would be unreadable there.
/// </summary>
/// <remarks>
/// Workers call the observer from their threads; they only update the rows under a lock, and the live table
/// is redrawn from the command's thread, because Spectre.Console's live display is not thread-safe.
/// </remarks>
internal sealed class SweepProgressView : ISweepObserver
{
    private const int VisibleRows = 30;
    private readonly object _sync = new();
    private readonly SortedDictionary<int, Row> _rows = [];
    private readonly bool _live;

    public SweepProgressView(bool live) => _live = live;

    /// <summary>Runs <paramref name="sweep"/> under the live table (on a terminal) or as it is (plain lines come from the observer).</summary>
    public async Task<T> ShowAsync<T>(Func<Task<T>> sweep)
    {
        if (!_live)
        {
            return await sweep();
        }

        return await AnsiConsole.Live(Table()).AutoClear(true).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Top)
            .StartAsync(async context =>
            {
                var running = sweep();
                while (await Task.WhenAny(running, Task.Delay(250)) != running)
                {
                    context.UpdateTarget(Table());
                }

                context.UpdateTarget(Table());
                return await running;
            });
    }

    public void TrialStarted(TrialRecord trial)
    {
        lock (_sync)
        {
            _rows[trial.Number] = new Row(trial.Parameters) { State = "running", Epochs = trial.Intermediate.Count, Latest = trial.Intermediate.Values.LastOrDefault(double.NaN) };
            if (!_live)
            {
                AnsiConsole.WriteLine($"trial {trial.Number} running{(trial.Attempt > 1 ? $" (retry of {trial.RetryOf})" : "")}: {trial.Parameters.Key()}");
            }
        }
    }

    public void TrialReported(TrialRecord trial, int step, double value)
    {
        lock (_sync)
        {
            if (_rows.TryGetValue(trial.Number, out var row))
            {
                row.Epochs = Math.Max(row.Epochs, step);
                row.Latest = value;
            }
        }
    }

    public void TrialEnded(TrialRecord trial)
    {
        lock (_sync)
        {
            if (!_rows.TryGetValue(trial.Number, out var row))
            {
                return;
            }

            // A trial given back to the queue (time limit, cancellation) resumes later, maybe elsewhere.
            row.State = trial.State == TrialState.Queued ? "given back" : trial.State.ToString().ToLowerInvariant();
            row.Value = trial.Value;
            if (!_live)
            {
                string value = trial.Value is double v ? $" {v.ToString("F4", CultureInfo.InvariantCulture)}" : "";
                string error = trial.Error is { } e ? $": {e.Split('\n')[0]}" : "";
                AnsiConsole.WriteLine($"trial {trial.Number} {row.State}{value} after {row.Epochs} epochs{error}");
            }
        }
    }

    private Table Table()
    {
        var table = new Table().AddColumns("trial", "state", "epochs", "latest", "value", "parameters");
        lock (_sync)
        {
            foreach (var (number, row) in _rows.TakeLast(VisibleRows))
            {
                table.AddRow(number.ToString(CultureInfo.InvariantCulture), row.State, row.Epochs.ToString(CultureInfo.InvariantCulture),
                    Number(row.Latest), row.Value is double v ? Number(v) : "-", Markup.Escape(row.Parameters));
            }
        }

        return table;
    }

    private static string Number(double value) => double.IsNaN(value) ? "-" : value.ToString("F4", CultureInfo.InvariantCulture);

    /// <summary>Parameters in a table cell: numbers to three significant digits.</summary>
    private static string Short(TrialParameters parameters) =>
        string.Join(" ", parameters.Values.Select(p => $"{p.Key}={p.Value.Text ?? p.Value.Number.ToString("G3", CultureInfo.InvariantCulture)}"));

    private sealed class Row(TrialParameters parameters)
    {
        public string Parameters { get; } = Short(parameters);

        public string State { get; set; } = "running";

        public int Epochs { get; set; }

        public double Latest { get; set; } = double.NaN;

        public double? Value { get; set; }
    }
}
