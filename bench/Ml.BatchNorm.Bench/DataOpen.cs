using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// Opening and decoding the 60k-image training set (gzip IDX images and labels) into an
/// <see cref="ImageDataset"/>, timed per repetition; the median is reported. The files sit in the
/// page cache after the first repetition, on both sides, so this measures decompression and
/// decoding, not the disk.
/// </summary>
internal static class DataOpen
{
    public static Command Create()
    {
        var data = BenchOptions.Data();
        var repetitions = BenchOptions.Int("--repetitions", 5);
        var json = BenchOptions.Json();
        var command = new Command("data-open", "Seconds to open and decode the training set.") { data, repetitions, json };
        command.SetAction(p =>
        {
            var times = new List<double>();
            int count = 0;
            for (int r = 0; r < p.GetValue(repetitions); r++)
            {
                long t0 = Stopwatch.GetTimestamp();
                var train = IdxDataFolder.Open(p.GetValue(data)!).LoadTrain();
                times.Add(Stopwatch.GetElapsedTime(t0).TotalSeconds);
                count = train.Count;
            }

            double median = times.Order().ElementAt(times.Count / 2);
            var counts = TorchThreads.Apply(0);
            var (torch, blas) = (counts.IntraOp, counts.InterOp);
            var result = new ThroughputResult("ml.batchnorm", "data-open", count, torch, blas, times.Count, median, count / median);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ml.batchnorm data-open {count} images: median {median:F3} s (all: {string.Join(", ", times.Select(t => t.ToString("F3", CultureInfo.InvariantCulture)))})"));
            PeerFiles.WriteResult(result, p.GetValue(json));
            return 0;
        });
        return command;
    }
}
