using System.Diagnostics;
using System.Text;

namespace Ml.BatchNorm.Tests.Sweeps;

/// <summary>A test worker process (test/Ml.BatchNorm.SweepWorker) joined to a study; its output is collected.</summary>
internal sealed class SweepWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    public SweepWorkerProcess(params string[] arguments)
    {
        string worker = Path.Combine(AppContext.BaseDirectory, "Ml.BatchNorm.SweepWorker.dll");
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(worker);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The trial numbers this process printed as claimed.</summary>
    public IReadOnlyList<int> Claimed => Output.Split('\n')
        .Where(l => l.StartsWith("claimed ", StringComparison.Ordinal))
        .Select(l => int.Parse(l["claimed ".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).ToList();

    public bool HasExited => _process.HasExited;

    /// <summary>Waits for a normal exit and returns the exit code; fails the test after the timeout.</summary>
    public async Task<int> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"The sweep worker did not finish within {timeout}. Output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: no cleanup, no last heartbeat, no release of its trial.</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }
}
