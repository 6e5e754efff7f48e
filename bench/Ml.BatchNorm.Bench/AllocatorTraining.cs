using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Ml.BatchNorm.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// A plain TorchSharp training loop (a model1-sized convolutional network, Adam, batches of random
/// 28x28 images) timed under one allocator setting, so that bench/allocator/run can compare the
/// library's <c>mallopt</c> tuning with glibc's environment variables and with no tuning, each in its own
/// process. The data are random because the allocator sees only tensor sizes.
/// </summary>
internal static class AllocatorTraining
{
    public static Command Create()
    {
        var allocator = new Option<string>("--allocator") { DefaultValueFactory = _ => "keep-large-blocks" };
        allocator.AcceptOnlyFromAmong("keep-large-blocks", "leave-alone");
        var batchSize = BenchOptions.Int("--batch-size", 128);
        var steps = BenchOptions.Int("--steps", 60);
        var warmup = BenchOptions.Int("--warmup", 5);
        var threads = BenchOptions.Threads();
        var json = BenchOptions.Json();
        var command = new Command("allocator-training", "Images/s of a plain TorchSharp training loop under one allocator setting.")
        {
            allocator, batchSize, steps, warmup, threads, json,
        };
        command.SetAction(p =>
        {
            // Before anything allocates: the settings apply to blocks allocated afterwards.
            var mode = p.GetValue(allocator) == "leave-alone" ? AllocatorMode.LeaveAlone : AllocatorMode.KeepLargeBlocks;
            var settings = ProcessAllocator.Configure(mode);
            TorchRuntime.EnsureLoaded();
            var counts = TorchThreads.Apply(p.GetValue(threads));
            Console.WriteLine(settings);
            Console.WriteLine(counts);
            var (seconds, loss) = Train(p.GetValue(batchSize), p.GetValue(warmup), p.GetValue(steps));
            int images = p.GetValue(batchSize) * p.GetValue(steps);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{images / seconds:F0} images/s ({p.GetValue(steps)} steps in {seconds:F2} s, final loss {loss:F4}, peak RSS {PeakMemory.ResidentMegabytes():F0} MB)"));
            if (p.GetValue(json) is string path)
            {
                File.WriteAllText(path, JsonSerializer.Serialize(new
                {
                    allocator = settings.ToString(),
                    environment = Environment.GetEnvironmentVariable("MALLOC_MMAP_THRESHOLD_") is not null,
                    threads = counts.IntraOp,
                    steps = p.GetValue(steps),
                    seconds,
                    images_per_second = images / seconds,
                    peak_rss_mb = PeakMemory.ResidentMegabytes(),
                }));
            }

            return 0;
        });
        return command;
    }

    private static (double Seconds, double Loss) Train(int batchSize, int warmup, int steps)
    {
        manual_seed(1);
        using var model = nn.Sequential(
            ("conv1", nn.Conv2d(1, 32, 5, padding: 2)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", nn.Conv2d(32, 64, 5, padding: 2)), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()), ("fc1", nn.Linear(64 * 7 * 7, 1024)), ("relu3", nn.ReLU()),
            ("fc2", nn.Linear(1024, 10)));
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        const int pool = 4;
        var inputs = Enumerable.Range(0, pool).Select(_ => rand(batchSize, 1, 28, 28)).ToArray();
        var labels = Enumerable.Range(0, pool).Select(_ => randint(0, 10, [batchSize])).ToArray();
        double loss = double.NaN;
        long start = 0;
        for (int step = 0; step < warmup + steps; step++)
        {
            if (step == warmup)
            {
                start = Stopwatch.GetTimestamp();
            }

            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var output = nn.functional.cross_entropy(model.call(inputs[step % pool]), labels[step % pool]);
            output.backward();
            optimizer.step();
            loss = output.item<float>();
        }

        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        foreach (var t in inputs.Concat(labels))
        {
            t.Dispose();
        }

        return (seconds, loss);
    }
}
