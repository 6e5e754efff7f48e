using System.CommandLine;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// <c>mlbn finetune</c>: continues a saved model on other classes under each batch-norm fine-tuning policy
/// (<see cref="FineTuningComparison"/>) and prints, per policy, train and test accuracy in inference mode, test
/// accuracy in training mode, the gap and whether the model collapsed.
/// </summary>
internal static class FinetuneCommand
{
    private static readonly Dictionary<string, BatchNormFineTuning> Policies = new(StringComparer.Ordinal)
    {
        ["full"] = BatchNormFineTuning.Full,
        ["statistics-frozen"] = BatchNormFineTuning.StatisticsFrozen,
        ["affine-frozen"] = BatchNormFineTuning.AffineFrozen,
        ["both-frozen"] = BatchNormFineTuning.BothFrozen,
    };

    public static Command Create()
    {
        var model = DataOptions.Model("The pre-trained model to start from (it is not changed).", required: true);
        var data = DataOptions.Data();
        var classes = DataOptions.Classes("Fine-tune and test on these classes (default: every class).");
        var policy = new Option<string>("--policy")
        {
            Description = "Batch-norm fine-tuning policy: full, statistics-frozen, affine-frozen, both-frozen, or all (each in turn, from the same start).",
            DefaultValueFactory = _ => "all",
        };
        policy.AcceptOnlyFromAmong([.. Policies.Keys, "all"]);
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the fine-tuning images (default 1); not with --iterations." };
        var iterations = new Option<long?>("--iterations") { Description = "Fine-tuning steps; not with --epochs." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Images per step (default 64)." };
        var learningRate = new Option<double?>("--learning-rate") { Description = "Learning rate (default: the training default, 0.002 with Adam)." };
        var decay = new Option<double?>("--decay") { Description = "Batch-norm moving-average decay while fine-tuning (TensorFlow meaning); default: the model's." };
        var seed = new Option<ulong>("--seed") { Description = "Seed for data order and dropout.", DefaultValueFactory = _ => 1 };
        var threads = DataOptions.Threads();
        var trainRows = DataOptions.Rows("--train-rows", "Fine-tune on the first N images of the selected classes only.");
        var testRows = DataOptions.Rows("--test-rows", "Test on the first N test images of the selected classes only.");
        var output = new Option<string?>("--output") { Description = "Folder to write each fine-tuned model to (finetune-POLICY.zip)." };
        var command = new Command("finetune", "Fine-tune a saved model on other classes under each batch-norm policy and show which ones collapse at test time.")
        {
            model, data, classes, policy, epochs, iterations, batchSize, learningRate, decay, seed, threads, trainRows, testRows, output,
        };
        DataOptions.EpochsOrIterations(command, epochs, iterations);

        command.SetAction(parse =>
        {
            TorchThreads.Apply(parse.GetValue(threads));
            string modelPath = parse.GetValue(model)!;
            using var loaded = LoadedModel.Load(modelPath, "cpu", parse.GetValue(threads));
            var pretrained = loaded.Trained;
            var folder = IdxDataFolder.Open(parse.GetValue(data)!, pretrained.LabelNames);
            string? selected = parse.GetValue(classes);
            var train = DataOptions.Limit(DataOptions.OnlyClasses(folder.LoadTrain(), selected), parse.GetValue(trainRows));
            var fullTest = folder.LoadTest();
            var test = DataOptions.Limit(DataOptions.OnlyClasses(fullTest, selected), parse.GetValue(testRows));
            ImageDataset? otherTest = null;
            if (selected is not null)
            {
                var chosen = DataOptions.ParseClasses(selected);
                otherTest = DataOptions.Limit(fullTest.WhereLabel(c => !chosen.Contains(c)), parse.GetValue(testRows));
                otherTest = otherTest.Count > 0 ? otherTest : null;
            }

            var options = new TrainingOptions
            {
                Epochs = parse.GetValue(iterations) is null ? parse.GetValue(epochs) ?? 1 : null,
                Iterations = parse.GetValue(iterations),
                BatchSize = parse.GetValue(batchSize) ?? new TrainingOptions().BatchSize,
                LearningRate = parse.GetValue(learningRate) ?? new TrainingOptions().LearningRate,
                Seed = parse.GetValue(seed),
                Threads = parse.GetValue(threads),
                EvaluateEvery = 0,
            };
            DataOptions.ValidatedOptions(options, parse.GetValue(decay));

            if (!pretrained.Network.Spec.HasBatchNorm)
            {
                throw new UsageException($"{modelPath} has no batch-normalization layer; fine-tuning policies are about batch norm.");
            }

            string chosenPolicy = parse.GetValue(policy)!;
            var policies = chosenPolicy == "all" ? Policies.Values.ToArray() : [Policies[chosenPolicy]];
            string? outputFolder = parse.GetValue(output);
            if (outputFolder is not null)
            {
                Directory.CreateDirectory(outputFolder);
            }

            var console = AnsiConsole.Console;
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"mlbn finetune: {modelPath} on {train.Count} training / {test.Count} test images{(selected is null ? "" : $" of classes {selected}")}, {options.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "?"} epoch(s) or {options.Iterations?.ToString(CultureInfo.InvariantCulture) ?? "-"} steps, batch {options.BatchSize}, lr {options.LearningRate}"));
            var outcomes = FineTuningComparison.Run(pretrained, train, test, otherTest, options, policies, parse.GetValue(decay), (tuned, outcome) =>
            {
                console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {Name(outcome.Policy)}: {outcome.Steps} steps, test accuracy {outcome.TestAccuracy:P1} (inference) vs {outcome.BatchStatisticsTestAccuracy:P1} (training mode)"));
                if (outputFolder is not null)
                {
                    ModelFile.Save(tuned, Path.Combine(outputFolder, $"finetune-{Name(outcome.Policy)}.zip"));
                }
            });

            var table = new Table().Title("fine-tuning policies (accuracies in %)")
                .AddColumn("policy").AddColumn("decay")
                .AddColumn(new TableColumn("train (inference)").RightAligned())
                .AddColumn(new TableColumn("test (inference)").RightAligned())
                .AddColumn(new TableColumn("test (training mode)").RightAligned())
                .AddColumn(new TableColumn("gap (points)").RightAligned())
                .AddColumn("collapsed")
                .AddColumn(new TableColumn("pre-trained classes (inference)").RightAligned());
            foreach (var o in outcomes)
            {
                table.AddRow(
                    Name(o.Policy),
                    o.MovingAverageDecay.ToString("R", CultureInfo.InvariantCulture),
                    P(o.TrainAccuracy),
                    P(o.TestAccuracy),
                    P(o.BatchStatisticsTestAccuracy),
                    o.GapPoints.ToString("0.0", CultureInfo.InvariantCulture),
                    o.Collapsed ? "YES" : "no",
                    o.PretrainedClassesTestAccuracy is double a ? P(a) : "-");
            }

            console.Write(table);
            console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"collapse: inference-mode test accuracy more than {FineTuningOutcome.CollapsePoints} points below training-mode accuracy on the same images."));
            return ExitCodes.Success;
        });
        return command;
    }

    private static string Name(BatchNormFineTuning policy) => Policies.First(p => p.Value == policy).Key;

    private static string P(double fraction) => (fraction * 100).ToString("0.0", CultureInfo.InvariantCulture);
}
