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

    public static Option<string?> Classes(string description) => new("--classes")
    {
        Description = description + " Label values as a range or list: 0-4, or 5,6,7.",
        Validators = { r => { if (r.Tokens.Count > 0) { try { ParseClasses(r.Tokens[^1].Value); } catch (FormatException e) { r.AddError(e.Message); } } } },
    };

    /// <summary>"0-4" or "5,6,7" (or a mix: "0-2,7") as a set of label values.</summary>
    public static HashSet<int> ParseClasses(string text)
    {
        var classes = new HashSet<int>();
        foreach (string part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length is < 1 or > 2 || !ends.All(e => int.TryParse(e, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out _)))
            {
                throw new FormatException($"--classes: '{part}' is not a label value or a range such as 0-4.");
            }

            int low = int.Parse(ends[0], System.Globalization.CultureInfo.InvariantCulture);
            int high = int.Parse(ends[^1], System.Globalization.CultureInfo.InvariantCulture);
            if (high < low)
            {
                throw new FormatException($"--classes: the range '{part}' is empty.");
            }

            for (int c = low; c <= high; c++)
            {
                classes.Add(c);
            }
        }

        return classes.Count > 0 ? classes : throw new FormatException("--classes: no label value given.");
    }

    /// <summary>The rows whose label is in <paramref name="classes"/> (all rows when null); an empty result is an error naming the data.</summary>
    public static ImageDataset OnlyClasses(ImageDataset data, string? classes)
    {
        if (classes is null)
        {
            return data;
        }

        var keep = ParseClasses(classes);
        var subset = data.WhereLabel(keep.Contains);
        return subset.Count > 0 ? subset : throw new UsageException($"--classes {classes}: {data.Source} has no image with those labels (its labels are 0..{data.ClassCount - 1}).");
    }

    public static void EpochsOrIterations(Command command, Option epochs, Option iterations) =>
        command.Validators.Add(r =>
        {
            if (r.GetResult(epochs) is { Implicit: false } && r.GetResult(iterations) is { Implicit: false })
            {
                r.AddError("give --epochs or --iterations, not both.");
            }
        });

    /// <summary>Validates <paramref name="training"/> and the batch-norm options with <paramref name="decay"/> (when given), as usage errors naming the option.</summary>
    public static Engine.BatchNormOptions ValidatedOptions(Engine.TrainingOptions training, double? decay, Engine.BatchNormOptions? start = null)
    {
        var batchNorm = start ?? new Engine.BatchNormOptions();
        batchNorm = decay is double d ? batchNorm with { MovingAverageDecay = d } : batchNorm;
        try
        {
            batchNorm.Validate();
            training.Validate();
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }

        return batchNorm;
    }

    public static ImageDataset Limit(ImageDataset data, int? rows) => rows is int n && n < data.Count ? data.Take(n) : data;
}
