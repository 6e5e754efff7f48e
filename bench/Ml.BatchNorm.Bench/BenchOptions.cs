using System.CommandLine;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Bench;

/// <summary>The options the benchmark commands share, with the same names and defaults in each.</summary>
internal static class BenchOptions
{
    public static Option<string> Data() => new("--data") { DefaultValueFactory = _ => IdxDataFolder.DefaultFolder };

    public static Option<string> Model()
    {
        var option = new Option<string>("--model") { DefaultValueFactory = _ => "model1" };
        option.AcceptOnlyFromAmong("model1", "model2");
        return option;
    }

    public static Option<int> Int(string name, int defaultValue) => new(name) { DefaultValueFactory = _ => defaultValue };

    public static Option<int> Threads() => Int("--threads", 2);

    public static Option<ulong> Seed() => new("--seed") { DefaultValueFactory = _ => 1 };

    public static Option<string?> Json() => new("--json");
}
