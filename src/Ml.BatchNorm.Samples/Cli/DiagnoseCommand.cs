using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn diagnose</c>: a batch-norm health report for a saved model: the spec's lint, the horizon
/// note when the model file records how it was trained, per-layer telemetry on training batches and
/// the train/inference gap on test rows.
/// </summary>
internal static class DiagnoseCommand
{
    private const int DefaultBatchSize = 64;

    public static Command Create()
    {
        var model = DataOptions.Model("The model file to diagnose.", required: true);
        var data = DataOptions.Data();
        var batches = new Option<int>("--batches")
        {
            Description = "Training batches the per-layer telemetry averages over.",
            DefaultValueFactory = _ => 4,
            Validators = { r => { if (r.GetValueOrDefault<int>() <= 0) r.AddError("--batches must be positive."); } },
        };
        var batchSize = new Option<int?>("--batch-size")
        {
            Description = $"Rows per batch for the batch statistics (default: the model's training batch size, else {DefaultBatchSize}).",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 2) r.AddError("--batch-size must be at least 2 (batch statistics need two values per channel)."); } },
        };
        var testRows = DataOptions.Rows("--test-rows", "Test rows for the train/inference gap check (default 2000).");
        var threads = DataOptions.Threads();
        var device = DataOptions.Device();
        var command = new Command("diagnose", "Batch-norm health report of a saved model: lint, horizon, per-layer statistics, train/inference gap.")
        {
            model, data, batches, batchSize, testRows, threads, device,
        };
        command.SetAction(parse =>
        {
            TorchThreads.Apply(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!;
            using var loaded = LoadedModel.Load(modelPath, parse.GetValue(device)!, parse.GetValue(threads));
            var trained = loaded.Trained;
            var folder = IdxDataFolder.Open(parse.GetValue(data)!, trained.LabelNames);
            int size = parse.GetValue(batchSize)
                ?? (trained.Summary?.Options.TryGetValue(nameof(TrainingOptions.BatchSize), out var b) == true && int.TryParse(b, CultureInfo.InvariantCulture, out int trainedBatch) ? trainedBatch : DefaultBatchSize);
            Run(AnsiConsole.Console, trained, modelPath, folder, size, parse.GetValue(batches), parse.GetValue(testRows) ?? 2000);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Run(IAnsiConsole console, TrainedNetwork trained, string modelPath, IdxDataFolder folder, int batchSize, int batches, int testRows)
    {
        var network = trained.Network;
        var spec = network.Spec;
        int bnLayers = spec.Layers.Count(l => l is BatchNormLayer);
        console.MarkupLine($"[bold]mlbn diagnose[/]: {Markup.Escape(modelPath)}: {spec.Layers.Count} layers, {bnLayers} batch-norm");
        var all = new List<BatchNormFinding>();

        var lint = BatchNormLint.Check(spec);
        all.AddRange(lint);
        FindingsReport.WriteTable(console, "network spec (lint)", lint);

        if (trained.Summary is { } summary && bnLayers > 0)
        {
            foreach (double decay in spec.Layers.OfType<BatchNormLayer>().Select(l => l.Options.MovingAverageDecay).Distinct())
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"horizon: decay {decay} averages over about {BatchNormHorizon.Horizon(decay):0} steps; the model trained {summary.Steps} steps (initial statistics weigh {Math.Pow(decay, summary.Steps):P2} at the end)."));
            }

            var horizon = BatchNormHorizon.Check(spec, Math.Max(1, summary.Steps));
            all.AddRange(horizon);
            FindingsReport.WriteTable(console, "training horizon", horizon);
        }
        else if (bnLayers > 0)
        {
            console.WriteLine("horizon: the model file does not record its training, so the horizon check is skipped.");
        }

        if (bnLayers == 0)
        {
            console.WriteLine("the network has no batch-norm layers: no statistics to check.");
            return;
        }

        var train = folder.LoadTrain();
        var telemetry = BatchNormTelemetry.Measure(network, train, batchSize, batches);
        var table = new Table { Title = new TableTitle($"per-layer statistics on {telemetry.Batches} training batches of {batchSize} ({train.Source})") }
            .AddColumns("layer", "channels", "decay", "mean shift (std)", "mean dist", "var dist", "|gamma|", "dead after act.", "non-finite");
        foreach (var t in telemetry.Layers)
        {
            string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
            table.AddRow(
                t.Layer.ToString(CultureInfo.InvariantCulture),
                t.Channels.ToString(CultureInfo.InvariantCulture),
                F(t.Decay),
                F(t.MeanShift),
                F(t.MeanDistance),
                F(t.VarianceDistance),
                t.GammaMeanMagnitude is double g ? $"{F(g)} ({t.NearZeroGammaChannels} ~0)" : "(no scale)",
                t.DeadChannels is int d ? $"{d}/{t.ActivationChannels}" : "-",
                (t.NonFiniteStatistics + t.NonFiniteParameters + t.NonFiniteBatchStatistics).ToString(CultureInfo.InvariantCulture));
        }

        console.Write(table);
        all.AddRange(telemetry.Findings);
        FindingsReport.WriteTable(console, "statistics", telemetry.Findings);

        var test = folder.LoadTest();
        var gap = BatchNormGapCheck.Run(network, test, batchSize, testRows);
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"train/inference gap on {gap.Rows} test rows ({test.Source}), batches of {gap.BatchSize}: batch statistics {gap.BatchStatisticsAccuracy:P2}, inference mode {gap.InferenceAccuracy:P2}, gap {gap.GapPoints:0.##} points (threshold {gap.ThresholdPoints})."));
        if (gap.Finding is { } finding)
        {
            all.Add(finding);
            FindingsReport.WriteLine(console, finding);
        }

        int errors = all.Count(f => f.Severity == DiagnosticSeverity.Error), warnings = all.Count(f => f.Severity == DiagnosticSeverity.Warning);
        console.MarkupLine(all.Count == 0
            ? "[green]verdict: no batch-norm problems found.[/]"
            : $"verdict: {errors} error(s), {warnings} warning(s), {all.Count - errors - warnings} note(s); see the suggestions above.");
    }
}
