using System.CommandLine;
using Ml.BatchNorm.Runtime;
using Spectre.Console;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>Builds the command tree and maps outcomes to exit codes: 0 success, 2 usage error, 1 runtime error.</summary>
internal static class MlbnCommandLine
{
    public static readonly Option<bool> Verbose = new("--verbose") { Description = "Show stack traces on errors.", Recursive = true };

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("mlbn: train, evaluate and score batch-normalized CNNs on MNIST-style images (libtorch underneath).");
        root.Options.Add(Verbose);
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(PredictCommand.Create());
        root.Subcommands.Add(SampleCommand.Create());
        root.Subcommands.Add(RecalibrateCommand.Create());
        root.Subcommands.Add(FinetuneCommand.Create());
        root.Subcommands.Add(DiagnoseCommand.Create());
        root.Subcommands.Add(CompareBnCommand.Create());

        if (Console.IsOutputRedirected)
        {
            // Spectre.Console wraps at 80 columns when it cannot ask a terminal; logs read better unwrapped.
            AnsiConsole.Profile.Width = 240;
            AnsiConsole.Profile.Capabilities.Ansi = false;
        }

        ParseResult parsed = root.Parse(args);
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }

            error.WriteLine($"See 'mlbn {parsed.CommandResult.Command.Name} --help'.".Replace("mlbn mlbn", "mlbn", StringComparison.Ordinal));
            return ExitCodes.UsageError;
        }

        try
        {
            return parsed.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = output, Error = error });
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            return ExitCodes.UsageError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"error: {OneLine(e)}");
            if (parsed.GetValue(Verbose))
            {
                error.WriteLine(e.ToString());
            }

            return ExitCodes.RuntimeError;
        }
    }

    private static string OneLine(Exception e)
    {
        string message = e.Message;
        int newline = message.IndexOf('\n');
        return newline < 0 ? message : message[..newline].TrimEnd();
    }
}
