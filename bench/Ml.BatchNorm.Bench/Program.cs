using System.CommandLine;

namespace Ml.BatchNorm.Bench;

/// <summary>The C# side of the benchmarks under bench/; each benchmark's run script pairs it with the PyTorch peer.</summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        var root = new RootCommand("Ml.BatchNorm benchmarks (C# side).");
        root.Subcommands.Add(TrainThroughput.Create());
        root.Subcommands.Add(ScoreThroughput.Create());
        root.Subcommands.Add(GraphForms.Create());
        root.Subcommands.Add(Ceiling.Create());
        root.Subcommands.Add(StepParts.Create());
        root.Subcommands.Add(DataOpen.Create());
        root.Subcommands.Add(AllocatorTraining.Create());
        return root.Parse(args).Invoke();
    }
}
