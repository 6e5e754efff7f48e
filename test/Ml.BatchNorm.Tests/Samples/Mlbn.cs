using System.Diagnostics;
using Ml.BatchNorm.Samples.Cli;

namespace Ml.BatchNorm.Tests.Samples;

/// <summary>Runs the `mlbn` command line for tests: in this process (exit code and the two writers), or in a new one.</summary>
internal static class Mlbn
{
    public static (int Exit, string Output, string Error) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = MlbnCommandLine.Run(args, output, error);
        return (exit, output.ToString(), error.ToString());
    }

    /// <summary>Runs mlbn in a new process: the commands print tables through Spectre.Console's global console.</summary>
    public static (int Exit, string Output, string Error) RunProcess(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "mlbn.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, stdout, stderr.Result);
    }
}
