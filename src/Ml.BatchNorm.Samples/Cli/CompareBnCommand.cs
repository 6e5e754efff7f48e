using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn compare-bn</c>: the seed's experiment. Trains model1 (batch norm) and model2 (none) with the
/// same seed and batch order, records learning curves, writes curves.csv, curves.svg and TensorBoard
/// event files, and prints the steps each needed to reach given test accuracies.
/// </summary>
internal static class CompareBnCommand
{
    /// <summary>Test accuracies the final table reports the steps to.</summary>
    public static readonly double[] Targets = [0.5, 0.7, 0.8, 0.85, 0.9];

    public static Command Create()
    {
        var data = DataOptions.Data();
        var output = new Option<string>("--output") { Description = "Folder for curves.csv, curves.svg and tensorboard/.", DefaultValueFactory = _ => "compare-bn" };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training data (default 1); not with --iterations." };
        var iterations = new Option<long?>("--iterations") { Description = "Training steps; not with --epochs." };
        var batchSize = new Option<int>("--batch-size") { Description = "Images per step.", DefaultValueFactory = _ => 64 };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Initial learning rate (default 0.002 for adam, 0.1 for adagrad, 0.01 for sgd)." };
        var optimizer = new Option<string>("--optimizer") { Description = "adam, adagrad or sgd.", DefaultValueFactory = _ => "adam" };
        optimizer.AcceptOnlyFromAmong("adam", "adagrad", "sgd");
        var every = new Option<int>("--every") { Description = "Steps between measurements.", DefaultValueFactory = _ => 100 };
        var decay = new Option<double?>("--decay") { Description = "model1's batch-norm moving-average decay, TensorFlow meaning (default 0.95)." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for weights, data order and dropout (the same for both models).", DefaultValueFactory = _ => 1 };
        var trainRows = DataOptions.Rows("--train-rows", "Train on the first N training images only (shrunk data for quick runs).");
        var testRows = new Option<int>("--test-rows") { Description = "Test rows measured at each step (the first ones).", DefaultValueFactory = _ => 1000 };
        var threads = DataOptions.Threads();
        var device = DataOptions.Device();
        foreach (var positive in new Option[] { batchSize, every, testRows })
        {
            positive.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && long.TryParse(r.Tokens[^1].Value, CultureInfo.InvariantCulture, out long v) && v <= 0)
                {
                    r.AddError($"{positive.Name} must be positive.");
                }
            });
        }

        var command = new Command("compare-bn", "The seed's experiment: train model1 (batch norm) and model2 (no batch norm) on the same batches and compare their learning curves.")
        {
            data, output, epochs, iterations, batchSize, learningRate, optimizer, every, decay, seed, trainRows, testRows, threads, device,
        };
        DataOptions.EpochsOrIterations(command, epochs, iterations);
        command.SetAction(parse =>
        {
            var kind = Enum.Parse<OptimizerKind>(parse.GetValue(optimizer)!, ignoreCase: true);
            long? steps = parse.GetValue(iterations);
            var options = new TrainingOptions
            {
                Optimizer = kind,
                LearningRate = parse.GetValue(learningRate) ?? kind switch { OptimizerKind.Adagrad => 0.1, OptimizerKind.Sgd => 0.01, _ => 0.002 },
                InitialAccumulator = 0.1,
                BatchSize = parse.GetValue(batchSize),
                Iterations = steps,
                Epochs = steps is null ? parse.GetValue(epochs) ?? 1 : null,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                Device = parse.GetValue(device)!,
            };
            var batchNorm = DataOptions.ValidatedOptions(options, parse.GetValue(decay));

            var folder = IdxDataFolder.Open(parse.GetValue(data)!);
            var train = DataOptions.Limit(folder.LoadTrain(), parse.GetValue(trainRows));
            var test = folder.LoadTest();
            return Run(AnsiConsole.Console, train, test, options, batchNorm, parse.GetValue(every), parse.GetValue(testRows), Path.GetFullPath(parse.GetValue(output)!));
        });
        return command;
    }

    private static int Run(IAnsiConsole console, ImageDataset train, ImageDataset test, TrainingOptions options, BatchNormOptions batchNorm, int every, int testRows, string output)
    {
        var threads = TorchThreads.Apply(options.Threads);
        testRows = Math.Min(testRows, test.Count);
        string length = options.Iterations is long i ? $"{i} iterations" : $"{options.Epochs} epoch(s)";
        console.MarkupLine($"[bold]mlbn compare-bn[/]: model1 (batch norm, decay {batchNorm.MovingAverageDecay.ToString(CultureInfo.InvariantCulture)}) vs model2 (no batch norm) on {train.Count} training images from {Markup.Escape(train.Source)}");
        console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {options.Optimizer} lr {options.LearningRate} batch {options.BatchSize} {length} seed {options.Seed}; measured every {every} steps on the step's training batch and the first {testRows} test rows (inference mode); {threads}"));
        var result = BatchNormComparison.Run(train, test, options, every, testRows, batchNorm, (model, p) =>
        {
            if (p.Evaluation is { } e)
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{model} step {p.Step}/{p.TotalSteps} | train batch acc {e.TrainBatchAccuracy:P1} loss {e.TrainBatchLoss:F3} | test acc {e.TestAccuracy:P1} loss {e.TestLoss:F3} | {p.ImagesPerSecond:F0} img/s"));
            }
        });

        Directory.CreateDirectory(output);
        LearningCurveCsv.Write(Path.Combine(output, "curves.csv"), result.Points);
        string title = string.Create(CultureInfo.InvariantCulture,
            $"BN (model1) vs no BN (model2): {options.Optimizer} lr {options.LearningRate}, batch {options.BatchSize}, {train.Count} training images, test = first {testRows} test images");
        LearningCurveSvg.Write(Path.Combine(output, "curves.svg"), result.Points, title);
        foreach (string model in new[] { BatchNormComparison.Model1, BatchNormComparison.Model2 })
        {
            // TorchSharp's SummaryWriter writes TensorBoard's event files (one record per call, flushed).
            var events = TorchSharp.torch.utils.tensorboard.SummaryWriter(Path.Combine(output, "tensorboard", model), createRunName: false);
            foreach (var p in result.Points.Where(p => p.Model == model))
            {
                events.add_scalar($"{p.Split}/accuracy", (float)p.Accuracy, checked((int)p.Step));
                events.add_scalar($"{p.Split}/loss", (float)p.Loss, checked((int)p.Step));
            }
        }

        var reach = new Table { Title = new TableTitle($"steps to reach a test accuracy (first {testRows} test rows, measured every {every} steps)") }
            .AddColumns("test accuracy", "model1 (BN)", "model2 (no BN)");
        foreach (double target in Targets)
        {
            string Steps(string model) => result.StepsToReach(model, target) is long s ? s.ToString(CultureInfo.InvariantCulture) : "not reached";
            reach.AddRow($"{target * 100:0}%", Steps(BatchNormComparison.Model1), Steps(BatchNormComparison.Model2));
        }

        console.Write(reach);
        var final = new Table { Title = new TableTitle("at the end") }.AddColumns("model", "steps", "test accuracy", "test loss", "train batch accuracy", "seconds", "images/s");
        foreach (string model in new[] { BatchNormComparison.Model1, BatchNormComparison.Model2 })
        {
            var t = result.Final(model, BatchNormComparison.TestSplit);
            var tr = result.Final(model, BatchNormComparison.TrainSplit);
            var s = result.Summaries[model];
            final.AddRow(model, s.Steps.ToString(CultureInfo.InvariantCulture), $"{t?.Accuracy:P2}", $"{t?.Loss:F4}", $"{tr?.Accuracy:P2}", s.Seconds.ToString("F1", CultureInfo.InvariantCulture), s.ImagesPerSecond.ToString("F0", CultureInfo.InvariantCulture));
        }

        console.Write(final);
        console.MarkupLine($"wrote [bold]{Markup.Escape(Path.Combine(output, "curves.csv"))}[/], curves.svg and tensorboard/model1, tensorboard/model2 (tensorboard --logdir {Markup.Escape(Path.Combine(output, "tensorboard"))})");
        return ExitCodes.Success;
    }
}
