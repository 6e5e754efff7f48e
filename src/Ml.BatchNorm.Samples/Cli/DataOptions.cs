using System.CommandLine;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Options shared by the commands that read an IDX data folder.</summary>
internal static class DataOptions
{
    public static Option<string> Data() => new("--data")
    {
        Description = "Folder with the four IDX files (train-images-idx3-ubyte[.gz], train-labels-idx1-ubyte[.gz], t10k-…); default: Debian's Fashion-MNIST.",
        DefaultValueFactory = _ => IdxDataFolder.DefaultFolder,
    };

    public static Option<string> Model(string description, bool required) => new("--model")
    {
        Description = description,
        Required = required,
        DefaultValueFactory = required ? null : _ => "model.zip",
    };

    public static Option<int> Threads() => new("--threads")
    {
        Description = "Threads for libtorch and OpenBLAS; 0 uses all cores.",
        DefaultValueFactory = _ => 0,
        Validators = { r => { if (r.GetValueOrDefault<int>() < 0) r.AddError("--threads must be 0 (all cores) or positive."); } },
    };

    public static Option<string> Device() => new("--device")
    {
        Description = "cpu, cuda or cuda:N.",
        DefaultValueFactory = _ => "cpu",
    };

    public static Option<int?> Rows(string name, string description) => new(name)
    {
        Description = description,
        Validators = { r => { if (r.GetValueOrDefault<int?>() is <= 0) r.AddError($"{name} must be positive."); } },
    };

    public static ImageDataset Limit(ImageDataset data, int? rows) => rows is int n && n < data.Count ? data.Take(n) : data;
}
