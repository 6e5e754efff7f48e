using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;
using Microsoft.ML;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary><c>mlbn train</c>: trains model1 (or model2 with --no-batch-norm), saves it and prints its test metrics.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var data = DataOptions.Data();
        var model = DataOptions.Model("Where to write the trained model.", required: false);
        var recipe = new Option<string>("--recipe")
        {
            Description = "Starting point for every option: 'default' (Adam, minutes to >90% on Fashion-MNIST), 'best' (chosen by sweeping on validation splits: 37 epochs, batch 256, cosine schedule, label smoothing, shifted and mirrored images: about 94% in 13-15 minutes on two cores) or 'seed' (the seed documents' Adagrad recipe: batch 1024, 10,000 iterations, hours).",
            DefaultValueFactory = _ => "default",
        };
        recipe.AcceptOnlyFromAmong("default", "best", "seed");
        var epochs = new Option<int?>("--epochs") { Description = $"Passes over the training data (default {TrainingOptions.DefaultEpochs}; best recipe 35); not with --iterations." };
        var iterations = new Option<long?>("--iterations") { Description = "Training steps; not with --epochs." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per step (default 64; best recipe 256; seed recipe 1024)." };
        var noBatchNorm = new Option<bool>("--no-batch-norm") { Description = "Train model2, the same network without batch normalization." };
        var decay = new Option<double?>("--decay") { Description = "Batch-norm moving-average decay, TensorFlow meaning: weight kept on the old average (default 0.95)." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Initial learning rate (default 0.002; best recipe 0.0014; seed recipe 0.1)." };
        var learningRateDecay = new Option<double?>("--learning-rate-decay") { Description = "Multiply the learning rate by this every --learning-rate-decay-steps steps (default 0.5; best recipe 0.6; seed recipe 0.95; 1 turns decay off)." };
        var learningRateDecaySteps = new Option<int?>("--learning-rate-decay-steps") { Description = "Steps between learning-rate decays (default 1000)." };
        var optimizer = new Option<string?>("--optimizer") { Description = "adam, adagrad or sgd (default adam; seed recipe adagrad)." };
        optimizer.AcceptOnlyFromAmong("adam", "adagrad", "sgd");
        var keepProbability = new Option<double?>("--keep-probability")
        {
            Description = $"Dropout keep probability of the dense layer (default {SeedNetworks.DefaultKeepProbability}; best recipe 0.74).",
            Validators = { r => { if (r.GetValueOrDefault<double?>() is double k && !(k > 0 && k <= 1)) { r.AddError("--keep-probability must be in (0, 1]."); } } },
        };
        var seed = new Option<ulong>("--seed") { Description = "Seed for weights, data order and dropout.", DefaultValueFactory = _ => 1 };
        var threads = DataOptions.Threads();
        var device = DataOptions.Device();
        var leaveAllocator = new Option<bool>("--leave-allocator") { Description = "Leave glibc's allocator as it is (by default training keeps large blocks in the heap through mallopt; process-wide)." };
        var restart = new Option<bool>("--restart") { Description = "Ignore an existing checkpoint and start over." };
        var checkpoint = new Option<string?>("--checkpoint") { Description = "Checkpoint file (default: the model path + '.checkpoint'); an existing one is resumed." };
        var checkpointEvery = new Option<int?>("--checkpoint-every") { Description = "Steps between checkpoints (default 100)." };
        var evaluateEvery = new Option<int?>("--evaluate-every") { Description = "Steps between inference-mode evaluations on the training batch and test rows (default 100)." };
        var trainRows = DataOptions.Rows("--train-rows", "Train on the first N training images only (shrunk data for quick runs).");
        var testRows = DataOptions.Rows("--test-rows", "Evaluate on the first N test images only.");
        var lastBatch = new Option<string?>("--last-batch") { Description = "The partial batch left at the end of each epoch: drop (default), keep (a smaller batch; a batch norm then needs at least two values per channel) or merge (into the previous batch)." };
        lastBatch.AcceptOnlyFromAmong("drop", "keep", "merge");
        var shift = new Option<int?>("--shift")
        {
            Description = "Shift each training image by up to N pixels in each direction, drawn afresh every step (default 0: off; best recipe 1).",
            Validators = { r => { if (r.GetValueOrDefault<int?>() is < 0) { r.AddError("--shift must not be negative."); } } },
        };
        var flip = new Option<bool?>("--flip") { Description = "Mirror each training image left-right with probability 1/2 (suits garments, not digits; on in the best recipe)." };
        var schedule = new Option<string?>("--schedule") { Description = "Learning-rate schedule: staircase (decay every --learning-rate-decay-steps; default) or cosine (a half cosine from the rate to zero over the run; the decay options are not used)." };
        schedule.AcceptOnlyFromAmong("staircase", "cosine");
        var erase = new Option<double?>("--erase")
        {
            Description = "Random erasing: the probability that a training image gets a random rectangle (2-40% of it) filled with noise (default 0: off).",
            Validators = { r => { if (r.GetValueOrDefault<double?>() is < 0 or > 1) { r.AddError("--erase must be a probability in [0, 1]."); } } },
        };
        var labelSmoothing = new Option<double?>("--label-smoothing")
        {
            Description = "Label smoothing ε of the training loss: targets (1 - ε) on the true class plus ε spread over all classes (default 0).",
            Validators = { r => { if (r.GetValueOrDefault<double?>() is < 0 or >= 1) { r.AddError("--label-smoothing must be in [0, 1)."); } } },
        };
        var classes = DataOptions.Classes("Train and evaluate on these classes only (the model keeps every class's output), e.g. to pre-train for 'mlbn finetune'.");

        var command = new Command("train", "Train the seed's batch-normalized CNN, show progress, print test metrics and save the model.")
        {
            data, model, recipe, epochs, iterations, batchSize, noBatchNorm, decay, learningRate, learningRateDecay, learningRateDecaySteps, optimizer, keepProbability, seed, threads, device, leaveAllocator,
            restart, checkpoint, checkpointEvery, evaluateEvery, trainRows, testRows, classes, lastBatch, shift, flip, erase, labelSmoothing, schedule,
        };
        DataOptions.EpochsOrIterations(command, epochs, iterations);
        foreach (var positive in new Option[] { epochs, iterations, batchSize, checkpointEvery, learningRateDecaySteps })
        {
            positive.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && decimal.TryParse(r.Tokens[^1].Value, CultureInfo.InvariantCulture, out var v) && v <= 0)
                {
                    r.AddError($"{positive.Name} must be positive.");
                }
            });
        }

        command.SetAction(parse =>
        {
            var start = parse.GetValue(recipe) switch
            {
                "seed" => new BatchNormCnnOptions { Training = TrainingOptions.SeedRecipe() },
                "best" => BatchNormCnnOptions.BestRecipe(),
                _ => new BatchNormCnnOptions(),
            };
            var options = start.Training;
            if (parse.GetValue(epochs) is int e)
            {
                options = options with { Epochs = e, Iterations = null };
            }

            if (parse.GetValue(iterations) is long it)
            {
                options = options with { Iterations = it, Epochs = null };
            }

            string modelPath = Path.GetFullPath(parse.GetValue(model)!);
            options = options with
            {
                BatchSize = parse.GetValue(batchSize) ?? options.BatchSize,
                LearningRate = parse.GetValue(learningRate) ?? options.LearningRate,
                LearningRateDecay = parse.GetValue(learningRateDecay) ?? options.LearningRateDecay,
                LearningRateDecaySteps = parse.GetValue(learningRateDecaySteps) ?? options.LearningRateDecaySteps,
                Schedule = parse.GetValue(schedule) is string sc ? Enum.Parse<LearningRateSchedule>(sc, ignoreCase: true) : options.Schedule,
                Optimizer = parse.GetValue(optimizer) is string o ? Enum.Parse<OptimizerKind>(o, ignoreCase: true) : options.Optimizer,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device)!,
                Allocator = parse.GetValue(leaveAllocator) ? AllocatorMode.LeaveAlone : AllocatorMode.KeepLargeBlocks,
                Restart = parse.GetValue(restart),
                CheckpointPath = parse.GetValue(checkpoint) ?? modelPath + ".checkpoint",
                CheckpointEvery = parse.GetValue(checkpointEvery) ?? options.CheckpointEvery,
                EvaluateEvery = parse.GetValue(evaluateEvery) ?? options.EvaluateEvery,
                LastBatch = parse.GetValue(lastBatch) is string policy ? Enum.Parse<LastBatchPolicy>(policy, ignoreCase: true) : options.LastBatch,
                Augmentation = options.Augmentation with
                {
                    MaxShift = parse.GetValue(shift) ?? options.Augmentation.MaxShift,
                    HorizontalFlip = parse.GetValue(flip) ?? options.Augmentation.HorizontalFlip,
                    EraseProbability = parse.GetValue(erase) ?? options.Augmentation.EraseProbability,
                },
                LabelSmoothing = parse.GetValue(labelSmoothing) ?? options.LabelSmoothing,
            };
            var batchNorm = DataOptions.ValidatedOptions(options, parse.GetValue(decay), start.BatchNorm);

            var folder = IdxDataFolder.Open(parse.GetValue(data)!);
            var train = DataOptions.Limit(DataOptions.OnlyClasses(folder.LoadTrain(), parse.GetValue(classes)), parse.GetValue(trainRows));
            var test = DataOptions.Limit(DataOptions.OnlyClasses(folder.LoadTest(), parse.GetValue(classes)), parse.GetValue(testRows));
            var trainer = new BatchNormCnnOptions
            {
                Height = train.Height,
                Width = train.Width,
                UseBatchNorm = !parse.GetValue(noBatchNorm),
                BatchNorm = batchNorm,
                KeepProbability = parse.GetValue(keepProbability) ?? start.KeepProbability,
                Training = options,
            };
            return Run(trainer, train, test, modelPath, trainer.UseBatchNorm ? "model1 (batch norm)" : "model2 (no batch norm)");
        });
        return command;
    }

    private static int Run(BatchNormCnnOptions trainer, ImageDataset train, ImageDataset test, string modelPath, string networkName)
    {
        var console = AnsiConsole.Console;
        var options = trainer.Training;
        var ml = new MLContext(seed: (int)(options.Seed % int.MaxValue));
        var trainView = ImageRows.View(ml, train);
        var testView = ImageRows.View(ml, test);
        var threads = TorchThreads.Apply(options.Threads);
        var allocator = ProcessAllocator.Configure(options.Allocator);
        console.MarkupLine($"[bold]mlbn train[/]: {Markup.Escape(networkName)} on {train.Count} training / {test.Count} test images from {Markup.Escape(Path.GetDirectoryName(train.Source) ?? train.Source)}");
        console.MarkupLine($"  optimizer {options.Optimizer} lr {options.LearningRate}{(options.Schedule == LearningRateSchedule.Cosine ? " (cosine)" : "")} batch {options.BatchSize} {(options.Iterations is long i ? $"{i} iterations" : $"{options.Epochs ?? TrainingOptions.DefaultEpochs} epochs")} seed {options.Seed} augmentation {Markup.Escape(options.Augmentation.ToString())}{(options.LabelSmoothing > 0 ? $" label smoothing {options.LabelSmoothing}" : "")} device {Markup.Escape(options.Device)} {Markup.Escape(threads.ToString())}; {Markup.Escape(allocator.ToString())}");
        if (options.CheckpointPath is { } cp && File.Exists(cp) && !options.Restart)
        {
            console.MarkupLine($"  resuming from checkpoint {Markup.Escape(cp)}");
        }

        // Findings once per code and layer: a stale layer would otherwise repeat at every evaluation.
        var seen = new HashSet<(string, int?)>();
        var deferred = new List<BatchNormFinding>();
        IEnumerable<BatchNormFinding> Fresh(TrainingProgress p) => p.Findings.Where(f => seen.Add((f.Code, f.Layer)));
        // The validation rows reach the trainer as its input does: with the label already mapped to a key.
        trainer.ValidationSet = MlbnPipeline.Labels(ml, train.LabelNames).Fit(testView).Transform(testView);

        ITransformer model;
        if (console.Profile.Capabilities.Interactive)
        {
            model = console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask("training", maxValue: 1);
                    string last = "";
                    trainer.Progress = new CallbackProgress<TrainingProgress>(p =>
                    {
                        deferred.AddRange(Fresh(p));
                        task.MaxValue = p.TotalSteps;
                        task.Value = p.Step;
                        if (p.Evaluation is { } ev)
                        {
                            last = $" test acc {ev.TestAccuracy:P1}";
                        }

                        task.Description = $"step {p.Step}/{p.TotalSteps} loss {p.Loss:F3}{last} {p.ImagesPerSecond:F0} img/s";
                    });
                    return MlbnPipeline.Build(ml, train.LabelNames, trainer).Fit(trainView);
                });
        }
        else
        {
            trainer.Progress = new CallbackProgress<TrainingProgress>(p =>
            {
                if (p.GapCheck is { } gap)
                {
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"epoch {p.Epoch} gap check on {gap.Rows} test rows: batch statistics {gap.BatchStatisticsAccuracy:P1}, inference mode {gap.InferenceAccuracy:P1} ({gap.GapPoints:+0.#;-0.#;0} points)"));
                }

                foreach (var finding in Fresh(p))
                {
                    FindingsReport.WriteLine(console, finding);
                }

                if (p.Evaluation is { } ev)
                {
                    console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                        $"step {p.Step}/{p.TotalSteps} epoch {p.Epoch} loss {p.Loss:F4} | train batch acc {ev.TrainBatchAccuracy:P1} loss {ev.TrainBatchLoss:F4} | test acc {ev.TestAccuracy:P1} loss {ev.TestLoss:F4} ({ev.TestRows} rows) | {p.ImagesPerSecond:F0} img/s"));
                }
            });
            model = MlbnPipeline.Build(ml, train.LabelNames, trainer).Fit(trainView);
        }

        foreach (var finding in deferred)
        {
            FindingsReport.WriteLine(console, finding);
        }

        using (model as IDisposable)
        {
            MlbnPipeline.Save(ml, model, trainView.Schema, modelPath);
            if (options.CheckpointPath is { } checkpointPath && File.Exists(checkpointPath))
            {
                File.Delete(checkpointPath);
            }

            var summary = ((IEnumerable<ITransformer>)model).OfType<BatchNormCnnTransformer>().Single().Model.Trained.Summary!;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trained {summary.Steps} steps ({summary.Epochs:F2} epochs) in {summary.Seconds:F1} s, {summary.ImagesPerSecond:F0} images/s"));
            var metrics = ml.MulticlassClassification.Evaluate(model.Transform(testView), topKPredictionCount: Math.Min(3, train.ClassCount));
            MetricsReport.Write(console, "test metrics (inference mode, ML.NET)", metrics, confusion: true);
            console.MarkupLine($"model saved to [bold]{Markup.Escape(modelPath)}[/]");
        }

        return ExitCodes.Success;
    }
}
