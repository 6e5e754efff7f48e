using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Training throughput of a seed network on real Fashion-MNIST batches, shuffled per epoch. Writes
/// the initial weights and the row order it used, so that the PyTorch peer trains the same network
/// from the same weights on the same batches.
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
        var exportInit = new Option<string?>("--export-init") { Description = "Write the initial weights (safetensors) for the peer." };
        var exportOrder = new Option<string?>("--export-order") { Description = "Write the row order (int32 little-endian) of every timed and warm-up batch for the peer." };
        var json = BenchOptions.Json();
        var command = new Command("train-throughput", "Images/s of training steps (Adam 1e-3), and the peak resident memory.") { data, model, batch, threads, steps, warmup, seed, exportInit, exportOrder, json };
        command.SetAction(p =>
        {
            var result = Run(p.GetValue(data)!, p.GetValue(model)!, p.GetValue(batch), p.GetValue(threads), p.GetValue(steps), p.GetValue(warmup), p.GetValue(seed), p.GetValue(exportInit), p.GetValue(exportOrder));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ml.batchnorm {result.Model} batch {result.BatchSize} threads torch={result.TorchThreads} interop={result.BlasThreads}: {result.ImagesPerSecond:F0} images/s, {result.ImagesPerSecond * result.FlopsPerImage / 1e9:F1} GFLOP/s ({result.Steps} steps, {result.Seconds:F2} s), peak RSS {result.PeakRssMb:F0} MB"));
            PeerFiles.WriteResult(result, p.GetValue(json));

            return 0;
        });
        return command;
    }

    private static ThroughputResult Run(string folder, string model, int batchSize, int threads, int steps, int warmup, ulong seed, string? exportInit, string? exportOrder)
    {
        var counts = TorchThreads.Apply(threads);
        var train = IdxDataFolder.Open(folder).LoadTrain();
        var spec = PeerFiles.Spec(model);
        using var network = new Network(spec, seed);
        PeerFiles.ExportInitialWeights(network, exportInit);

        var batches = new MiniBatchSequence(train, batchSize, seed);
        if (exportOrder is not null)
        {
            using var writer = new BinaryWriter(File.Create(exportOrder));
            for (long s = 0; s < warmup + steps; s++)
            {
                foreach (int row in batches.RowsOf(s))
                {
                    writer.Write(row);
                }
            }
        }

        network.SetOptimizer(OptimizerKind.Adam, 0.9, 0.999, 1e-8, 0, 0, nesterov: false);
        using var buffer = new MiniBatchBuffer(batches.MaxBatchSize, batches.PixelsPerImage);
        float loss = 0;
        for (long s = 0; s < warmup; s++)
        {
            int rows = batches.Fill(s, buffer);
            loss = network.TrainStep(buffer.Images, buffer.Labels, rows, 1e-3, (ulong)s).Loss;
        }

        long images = 0;
        var clock = Stopwatch.StartNew();
        for (long s = warmup; s < warmup + steps; s++)
        {
            int rows = batches.Fill(s, buffer);
            loss = network.TrainStep(buffer.Images, buffer.Labels, rows, 1e-3, (ulong)s).Loss;
            images += rows;
        }

        double seconds = clock.Elapsed.TotalSeconds;
        var (torch, blas) = (counts.IntraOp, counts.InterOp);
        return new ThroughputResult("ml.batchnorm", model, batchSize, torch, blas, steps, seconds, images / seconds, loss,
            FlopsPerImage: FlopCount.TrainingPerImage(spec),
            PeakRssMb: PeakMemory.ResidentMegabytes());
    }
}
