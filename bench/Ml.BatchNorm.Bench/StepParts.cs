using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Ml.BatchNorm.Runtime;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// What bounds a model1 training step: the matrix products libtorch runs for it (the two convolutions through
/// oneDNN, the 3136→1024 dense layer through MKL's sgemm), each timed alone at the step's shapes, forward and
/// backward as the step needs them, under the library's allocator and thread settings. Their sum is the part
/// of a step no C# kernel can take over; the rest of a measured step is what the kernels compete on. Each
/// convolution is timed in NCHW and in channels-last memory (training runs them channels-last where a fused
/// batch-norm block follows: see docs/PERFORMANCE.md).
/// </summary>
internal static class StepParts
{
    public static Command Create()
    {
        var batch = BenchOptions.Int("--batch-size", 128);
        var threads = BenchOptions.Threads();
        var repetitions = BenchOptions.Int("--repetitions", 30);
        var command = new Command("step-parts", "Milliseconds of model1's convolutions and dense layer, forward + backward, each alone.") { batch, threads, repetitions };
        command.SetAction(p =>
        {
            ProcessAllocator.Configure(AllocatorMode.KeepLargeBlocks);
            var counts = TorchThreads.Apply(p.GetValue(threads));
            int n = p.GetValue(batch), reps = p.GetValue(repetitions);
            Console.WriteLine($"model1 step parts, batch {n}, threads intra-op={counts.IntraOp} inter-op={counts.InterOp} openmp={counts.WaitPolicy ?? "-"}: median of {reps} after 5 untimed");
            double total = 0;
            foreach (bool channelsLast in new[] { false, true })
            {
                string layout = channelsLast ? "channels-last" : "NCHW";

                // conv1: the images need no gradient, so backward computes the weights' gradient only.
                double conv1 = Convolution(n, 1, 16, 28, inputGradient: false, channelsLast, reps);
                double conv2 = Convolution(n, 32, 32, 14, inputGradient: true, channelsLast, reps);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  conv1 5x5 1->16 at 28x28 ({layout}): {conv1:F2} ms"));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  conv2 5x5 32->32 at 14x14 ({layout}): {conv2:F2} ms"));
                if (!channelsLast)
                {
                    total += conv1 + conv2;
                }
            }

            double dense = Dense(n, reps);
            total += dense;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  dense 3136->1024 (input gradient too): {dense:F2} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"libtorch matrix products of one step (NCHW): {total:F1} ms, a bound of {n / total * 1000:F0} images/s for a step that did nothing else"));
            return 0;
        });
        return command;
    }

    private static double Convolution(int n, int inChannels, int outChannels, int side, bool inputGradient, bool channelsLast, int reps)
    {
        using var scope = NewDisposeScope();
        var x = randn(n, inChannels, side, side);
        var w = randn(outChannels, inChannels, 5, 5);
        if (channelsLast)
        {
            // TorchSharp has no memory-format argument: NHWC storage viewed with NCHW sizes is what libtorch
            // takes for channels-last.
            x = ChannelsLast(x);
            w = ChannelsLast(w);
        }

        x.requires_grad_(inputGradient);
        w.requires_grad_(true);
        return Median(reps, () =>
        {
            using var step = NewDisposeScope();
            var y = F.conv2d(x, w, padding: [2, 2]);
            y.backward([ones_like(y)]);
            w.grad = null;
            x.grad = null;
        });
    }

    private static double Dense(int n, int reps)
    {
        using var scope = NewDisposeScope();
        var x = randn(n, 3136).requires_grad_(true);
        var w = randn(1024, 3136).requires_grad_(true);
        return Median(reps, () =>
        {
            using var step = NewDisposeScope();
            var y = F.linear(x, w);
            y.backward([ones_like(y)]);
            w.grad = null;
            x.grad = null;
        });
    }

    private static Tensor ChannelsLast(Tensor t)
    {
        long[] s = t.shape;
        return t.permute(0, 2, 3, 1).contiguous().as_strided(s, [s[1] * s[2] * s[3], 1, s[3] * s[1], s[1]]);
    }

    private static double Median(int reps, Action work)
    {
        for (int i = 0; i < 5; i++)
        {
            work();
        }

        var times = new double[reps];
        for (int i = 0; i < reps; i++)
        {
            long t0 = Stopwatch.GetTimestamp();
            work();
            times[i] = Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
        }

        Array.Sort(times);
        return times[reps / 2];
    }
}
