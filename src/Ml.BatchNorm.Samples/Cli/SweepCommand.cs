using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Runtime;
using Ml.BatchNorm.Sweeps;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn sweep</c>: runs (or joins, or resumes) a durable study over the trainer's options on a
/// validation split of the training images, then writes the trials table, plots and the best model.
/// Parallel trials run in this process and share its cores: each gets cores / --parallel libtorch threads.
/// </summary>
internal static class SweepCommand
{
    public static Command Create()
    {
        var data = DataOptions.Data();
        var trials = new Option<int>("--trials") { Description = "Finished (complete or pruned) trials the study stops at, counting every process's.", DefaultValueFactory = _ => 20 };
        var parallel = new Option<int>("--parallel") { Description = "Trials run at once in this process.", DefaultValueFactory = _ => 1 };
        var storage = new Option<string>("--storage") { Description = "Study store: a SQLite file path or sqlite:PATH, or PostgreSQL (postgresql://USER@HOST:PORT/DB or Host=…;Database=…).", DefaultValueFactory = _ => "sweeps.db" };
        var study = new Option<string>("--study") { Description = "Study name; every process with the same store and name joins the same study.", DefaultValueFactory = _ => "bn-cnn" };
        var maxEpochs = new Option<int>("--max-epochs") { Description = "Epochs of an unpruned trial (the pruners' resource).", DefaultValueFactory = _ => 3 };
        var tuner = new Option<string>("--tuner") { Description = "random, grid or tpe.", DefaultValueFactory = _ => "random" };
        tuner.AcceptOnlyFromAmong("random", "grid", "tpe");
        var pruner = new Option<string>("--pruner") { Description = "none, median or asha.", DefaultValueFactory = _ => "none" };
        pruner.AcceptOnlyFromAmong("none", "median", "asha");
        var minEpochs = new Option<int>("--min-epochs")
        {
            Description = "The first epoch at which the pruner may stop a trial (ASHA's minimum resource, the median pruner's warm-up): early epochs rank trials by how fast batch-norm statistics and augmented training warm up, not by where they end.",
            DefaultValueFactory = _ => 1,
        };
        var timeLimit = new Option<double?>("--time-limit") { Description = "Seconds this process runs; then running trials go back to the queue (resumable) and it stops." };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the tuner, the validation split and every trial's training.", DefaultValueFactory = _ => 1 };
        var output = new Option<string>("--output") { Description = "Folder for trials.csv, plots, best-model.zip and trial checkpoints.", DefaultValueFactory = _ => "sweep-output" };
        var show = new Option<bool>("--show") { Description = "Print the study (one line per trial, then a summary) and run nothing." };
        var validation = new Option<double>("--validation-fraction") { Description = "Fraction of the training images held out to measure trials (the test images are never used).", DefaultValueFactory = _ => 0.1 };
        var trainRows = DataOptions.Rows("--train-rows", "Use the first N training images only (shrunk data for quick sweeps).");
        var threads = DataOptions.Threads();
        var spaceName = new Option<string>("--space") { Description = "Search space: default (every trainer option the sweep knows, wide ranges) or recipe (model1 with Adam, the narrower space the best recipe was found in).", DefaultValueFactory = _ => "default" };
        spaceName.AcceptOnlyFromAmong("default", "recipe");
        var command = new Command("sweep", "Search the trainer's options with a durable, resumable, parallel study (SQLite or PostgreSQL).")
        {
            data, trials, parallel, storage, study, maxEpochs, tuner, pruner, timeLimit, seed, output, show, validation, trainRows, threads, spaceName, minEpochs,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken));
        return command;

        async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
        {
            var space = parse.GetValue(spaceName) == "recipe" ? BatchNormCnnSearchSpace.Recipe() : BatchNormCnnSearchSpace.Default();
            if (parse.GetValue(show))
            {
                await using var store = StudyStorage.Open(parse.GetValue(storage)!);
                var found = await store.FindStudyAsync(parse.GetValue(study)!, cancellationToken)
                    ?? throw new UsageException($"--study '{parse.GetValue(study)}' does not exist in {store.Location}.");
                foreach (var line in StudyTable.ShowLines(await store.GetTrialsAsync(found.Id, cancellationToken)))
                {
                    parse.InvocationConfiguration.Output.WriteLine(line);
                }

                return ExitCodes.Success;
            }

            int workers = Positive(parse.GetValue(parallel), "--parallel");
            int budget = parse.GetValue(trials) < 0 ? throw new UsageException("--trials must not be negative.") : parse.GetValue(trials);
            int epochs = Positive(parse.GetValue(maxEpochs), "--max-epochs");
            int firstPrune = Positive(parse.GetValue(minEpochs), "--min-epochs");
            if (firstPrune > epochs)
            {
                throw new UsageException($"--min-epochs {firstPrune} exceeds --max-epochs {epochs}.");
            }

            ulong s = parse.GetValue(seed);
            string outputFolder = Path.GetFullPath(parse.GetValue(output)!);
            Directory.CreateDirectory(outputFolder);

            var train = DataOptions.Limit(IdxDataFolder.Open(parse.GetValue(data)!).LoadTrain(), parse.GetValue(trainRows));
            var (fit, held) = BatchNormCnnObjective.SplitValidation(train, parse.GetValue(validation), s);
            int perTrial = parse.GetValue(threads) > 0 ? parse.GetValue(threads) : Math.Max(1, Environment.ProcessorCount / workers);
            TorchThreads.Apply(perTrial);
            var objective = new BatchNormCnnObjective(fit, held, perTrial, s);

            ITuner chosenTuner = parse.GetValue(tuner) switch { "grid" => new GridTuner(s), "tpe" => new TpeTuner(s), _ => new RandomTuner(s) };
            IPruner chosenPruner = parse.GetValue(pruner) switch
            {
                "median" => new MedianPruner(startupTrials: 5, warmupSteps: firstPrune - 1),
                "asha" => new AshaPruner(minResource: firstPrune),
                _ => new NoPruner(),
            };
            var experiment = new SweepExperiment()
                .SetStorage(parse.GetValue(storage)!)
                .SetStudyName(parse.GetValue(study)!)
                .SetSearchSpace(space)
                .SetObjective(objective)
                .SetMetric(SweepMetric.MicroAccuracy)
                .SetTuner(chosenTuner)
                .SetPruner(chosenPruner)
                .SetTrialBudget(budget)
                .SetMaxEpochs(epochs)
                .SetParallelWorkers(workers)
                .SetCheckpointFolder(Path.Combine(outputFolder, "checkpoints"));
            var view = new SweepProgressView(live: AnsiConsole.Profile.Capabilities.Interactive);
            experiment.SetObserver(view);
            if (parse.GetValue(timeLimit) is double limit)
            {
                experiment.SetTimeBudget(TimeSpan.FromSeconds(limit < 0 ? throw new UsageException("--time-limit must not be negative.") : limit));
            }

            AnsiConsole.MarkupLine($"study [bold]{Markup.Escape(parse.GetValue(study)!)}[/] in {Markup.Escape(parse.GetValue(storage)!)}: {fit.Count} training / {held.Count} validation images, " +
                $"{workers} parallel x {perTrial} threads, tuner {chosenTuner.Name}, pruner {chosenPruner.Name}");
            var result = await view.ShowAsync(() => experiment.RunAsync(cancellationToken));
            Report(result, space, outputFolder);
            return ExitCodes.Success;
        }
    }

    private static void Report(SweepResult result, SearchSpace space, string outputFolder)
    {
        var table = new Table().AddColumns("trial", "state", "value", "epochs", "parameters");
        foreach (var t in result.Trials)
        {
            table.AddRow(t.Number.ToString(CultureInfo.InvariantCulture), t.State.ToString().ToLowerInvariant(),
                t.Value?.ToString("F4", CultureInfo.InvariantCulture) ?? "-", t.Intermediate.Count.ToString(CultureInfo.InvariantCulture), Markup.Escape(t.Parameters.Key()));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine($"stopped: {result.StopReason}");
        AnsiConsole.WriteLine(SweepResult.Summary(result.Trials));
        File.WriteAllText(Path.Combine(outputFolder, "trials.csv"), StudyTable.Csv(result.Trials, space));
        File.WriteAllText(Path.Combine(outputFolder, "optimization-history.svg"), StudySvg.OptimizationHistory(result.Trials, result.Study.Direction));
        File.WriteAllText(Path.Combine(outputFolder, "intermediate-values.svg"), StudySvg.IntermediateValues(result.Trials));
        File.WriteAllText(Path.Combine(outputFolder, "parallel-coordinates.svg"), StudySvg.ParallelCoordinates(result.Trials, space, result.Study.Direction));
        var importance = ParameterImportance.Compute(result.Trials, space);
        File.WriteAllText(Path.Combine(outputFolder, "importance.svg"), StudySvg.Importance(importance));
        if (result.Best is not { } best)
        {
            AnsiConsole.WriteLine("no trial completed yet");
            return;
        }

        AnsiConsole.WriteLine("parameter importance (share of the validation accuracy's variance each parameter's bins explain, normalized):");
        foreach (var p in importance)
        {
            AnsiConsole.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {p.Name,-20} {p.Importance:F3}"));
        }

        AnsiConsole.WriteLine($"best: trial {best.Number}, validation accuracy {best.Value!.Value:F4}");
        foreach (var (name, value) in best.Parameters.Values)
        {
            AnsiConsole.WriteLine($"  {name} = {value}");
        }

        string model = Path.Combine(outputFolder, "checkpoints", Sanitize(result.Study.Name), $"trial-{best.CheckpointKey}", BatchNormCnnObjective.ModelFileName);
        if (File.Exists(model))
        {
            // The trial saved an ordinary ML.NET model file (the pipeline 'mlbn train' writes), so the best
            // model is that file: 'mlbn evaluate' and any ML.NET application read it.
            File.Copy(model, Path.Combine(outputFolder, "best-model.zip"), overwrite: true);
            AnsiConsole.WriteLine($"best model: {Path.Combine(outputFolder, "best-model.zip")}");
        }
        else
        {
            AnsiConsole.WriteLine($"the best trial ran elsewhere ({best.Worker}); its model is in that machine's output folder");
        }
    }

    private static int Positive(int value, string option) => value > 0 ? value : throw new UsageException($"{option} must be positive; got {value}.");

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_'));
}
