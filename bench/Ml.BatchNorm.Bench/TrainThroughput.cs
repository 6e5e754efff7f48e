using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Kernels;
using Ml.BatchNorm.Runtime;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Training throughput of a seed network on real Fashion-MNIST batches, shuffled per epoch, Adam 1e-3.
/// --side ours trains our engine (kernel path and instruction set selectable); --side torchsharp trains
/// the same network written the obvious way in TorchSharp (<see cref="PlainTorchSharpModel"/>, torch.optim.Adam).
/// Both sides run under the same thread counts and allocator settings.
/// </summary>
internal static class TrainThroughput
{
    public static Command Create()
    {
        var data = BenchOptions.Data();
        var model = BenchOptions.Model();
        var batch = BenchOptions.Int("--batch-size", 128);
        var threads = BenchOptions.Threads();
        var steps = BenchOptions.Int("--steps", 100);
        var warmup = BenchOptions.Int("--warmup", 10);
        var seed = BenchOptions.Seed();
        var json = BenchOptions.Json();
        var isa = KernelOptions.InstructionSetOption();
        var path = KernelOptions.KernelPathOption();
        var side = new Option<string>("--side") { DefaultValueFactory = _ => "ours", Description = "ours (our engine) or torchsharp (plain TorchSharp)." };
        side.AcceptOnlyFromAmong("ours", "torchsharp");
        var command = new Command("train-throughput", "Images/s of training steps (Adam 1e-3), and the peak resident memory.") { data, model, batch, threads, steps, warmup, seed, json, isa, path, side };
        command.SetAction(p =>
        {
            bool allocator = ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks).Applied;
            var counts = TorchThreads.Apply(p.GetValue(threads));
            var (kernelPath, forced) = KernelOptions.Apply(p.GetValue(isa)!, p.GetValue(path)!);
            using (forced)
            {
                bool ours = p.GetValue(side) == "ours";
                string modelName = p.GetValue(model)!;
                var train = IdxDataFolder.Open(p.GetValue(data)!).LoadTrain();
                var batches = new MiniBatchSequence(train, p.GetValue(batch), p.GetValue(seed));
                var spec = modelName == "model1" ? SeedNetworks.Model1() : SeedNetworks.Model2();
                var (seconds, images, loss) = ours
                    ? Ours(spec, kernelPath, batches, p.GetValue(seed), p.GetValue(steps), p.GetValue(warmup))
                    : PlainTorchSharp(modelName == "model1", batches, p.GetValue(steps), p.GetValue(warmup));
                var result = new ThroughputResult(ours ? "ml.batchnorm" : "torchsharp", modelName, p.GetValue(batch), counts.IntraOp, counts.InterOp,
                    p.GetValue(steps), seconds, images / seconds, loss, FlopsPerImage: FlopCount.TrainingPerImage(spec),
                    InstructionSet: ours ? InstructionSets.Current.ToString().ToLowerInvariant() : null,
                    KernelPath: ours ? kernelPath.ToString().ToLowerInvariant() : "torchsharp", PeakRssMb: PeakMemory.ResidentMegabytes());
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{result.Framework} {result.Model} batch {result.BatchSize} threads intra-op={result.TorchThreads} inter-op={result.InteropThreads} openmp={counts.WaitPolicy ?? "-"} allocator={(allocator ? "glibc tuned" : "default")} kernels={result.KernelPath}/{result.InstructionSet ?? "-"}: {result.ImagesPerSecond:F0} images/s, {result.ImagesPerSecond * result.FlopsPerImage / 1e9:F1} GFLOP/s ({result.Steps} steps, {result.Seconds:F2} s), peak RSS {result.PeakRssMb:F0} MB"));
                PeerFiles.WriteResult(result, p.GetValue(json));
            }

            return 0;
        });
        return command;
    }

    private static (double Seconds, long Images, float Loss) Ours(NetworkSpec spec, KernelPath path, MiniBatchSequence batches, ulong seed, int steps, int warmup)
    {
        using var network = new Network(spec, seed);
        network.SetOptimizer(new TrainingOptions { KernelPath = path, LearningRate = 1e-3 });
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, batches.PixelsPerImage);
        float loss = 0;
        long images = 0;
        long start = 0;
        for (long s = 0; s < warmup + steps; s++)
        {
            if (s == warmup)
            {
                start = Stopwatch.GetTimestamp();
            }

            int rows = batches.Fill(s, buffer);
            loss = network.TrainStep(buffer.Images, buffer.Labels, rows, 1e-3, (ulong)s).Loss;
            images += s >= warmup ? rows : 0;
        }

        return (Stopwatch.GetElapsedTime(start).TotalSeconds, images, loss);
    }

    private static (double Seconds, long Images, float Loss) PlainTorchSharp(bool batchNorm, MiniBatchSequence batches, int steps, int warmup)
    {
        using var model = new PlainTorchSharpModel(batchNorm);
        model.train();
        using var optimizer = optim.Adam(model.parameters(), lr: 1e-3);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, batches.PixelsPerImage);
        float loss = 0;
        long images = 0;
        long start = 0;
        for (long s = 0; s < warmup + steps; s++)
        {
            if (s == warmup)
            {
                start = Stopwatch.GetTimestamp();
            }

            int rows = batches.Fill(s, buffer);
            using var scope = NewDisposeScope();
            var x = tensor(buffer.Images[..(rows * batches.PixelsPerImage)].ToArray(), [rows, 1, 28, 28]);
            var y = tensor(buffer.Labels[..rows].ToArray());
            optimizer.zero_grad();
            var l = nn.functional.cross_entropy(model.call(x), y);
            l.backward();
            optimizer.step();
            loss = l.item<float>();
            images += s >= warmup ? rows : 0;
        }

        return (Stopwatch.GetElapsedTime(start).TotalSeconds, images, loss);
    }
}
