using System.Diagnostics;
using System.Text;

namespace Ml.BatchNorm.Tests.Runtime;

/// <summary>
/// A console application generated in a temporary folder, outside the repository (so none of its
/// MSBuild files apply), that consumes the library the way a user's application does, then is built
/// and run with the dotnet CLI.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    private readonly TempFolder folder = new();

    /// <summary>The program: loads TorchSharp through the library, then trains a tiny network for a few steps.</summary>
    public const string TrainingProgram = """
        using Ml.BatchNorm.Runtime;
        using static TorchSharp.torch;

        Console.WriteLine(TorchRuntime.EnsureLoaded());
        Console.WriteLine(TorchThreads.Apply(1));
        manual_seed(1);
        using var model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2));
        using var optimizer = optim.SGD(model.parameters(), 0.5);
        using var x = randn(64, 4);
        using var y = x.sum(1).gt(0).to(ScalarType.Int64);
        float first = 0, last = 0;
        for (int step = 0; step < 30; step++)
        {
            using var scope = NewDisposeScope();
            optimizer.zero_grad();
            var loss = nn.functional.cross_entropy(model.call(x), y);
            loss.backward();
            optimizer.step();
            last = loss.item<float>();
            if (step == 0) first = last;
        }
        Console.WriteLine($"loss {first} -> {last}");
        return last < first / 2 ? 0 : 1;
        """;

    public string Path => folder.Path;

    public string File(string name) => folder.File(name);

    /// <summary>The repository's root: the folder above the test assembly that holds MlBn.sln.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(dir.FullName, "MlBn.sln")))
            {
                return dir.FullName;
            }
        }

        throw new AssertFailedException($"MlBn.sln was not found above {AppContext.BaseDirectory}.");
    }

    /// <summary>Writes App.csproj with <paramref name="reference"/> (a ProjectReference or PackageReference item) and Program.cs.</summary>
    public void Write(string reference)
    {
        System.IO.File.WriteAllText(File("App.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                {reference}
              </ItemGroup>
            </Project>
            """);
        System.IO.File.WriteAllText(File("Program.cs"), TrainingProgram);
    }

    /// <summary>Builds the application in Release and runs it; returns its output after asserting it succeeded.</summary>
    public string BuildAndRun()
    {
        // No -o: it would become a global property and move the referenced library's output too.
        Dotnet(Path, "build", "App.csproj", "-c", "Release", "-nologo", "-v:q", "--disable-build-servers");
        return Dotnet(Path, File("bin/Release/net10.0/App.dll"));
    }

    /// <summary>Runs the dotnet CLI with <paramref name="arguments"/> in <paramref name="workingDirectory"/>, failing the test on a non-zero exit.</summary>
    public static string Dotnet(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // The test host's MSBuild settings must not leak into a separate build.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("MSBuild", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (output) { output.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (!process.WaitForExit(StepTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new AssertFailedException($"dotnet {string.Join(' ', arguments)} did not finish within {StepTimeout}.\n{output}");
        }

        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new AssertFailedException($"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{output}");
        }

        return output.ToString();
    }

    public void Dispose() => folder.Dispose();
}
