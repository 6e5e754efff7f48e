using System.Xml.Linq;
using Ml.BatchNorm.Runtime;

namespace Ml.BatchNorm.Tests.Runtime;

/// <summary>
/// The two ways an application gets the library, each built in a temporary folder and run: it must
/// load TorchSharp (patching a copy where the C++ runtime needs it) and train.
/// </summary>
[TestClass]
[TestCategory("Packaging")]
public sealed class ConsumerProjectTests
{
    [TestMethod]
    public void AConsoleProjectWithAProjectReferenceTrains()
    {
        using var app = new ConsumerProject();
        string library = Path.Combine(ConsumerProject.RepositoryRoot(), "src", "Ml.BatchNorm", "Ml.BatchNorm.csproj");
        app.Write($"""<ProjectReference Include="{library}" />""");

        string output = app.BuildAndRun();

        CheckTrained(output);
    }

    [TestMethod]
    public void AConsoleProjectConsumingThePackedNupkgFromAFolderFeedTrains()
    {
        using var app = new ConsumerProject();
        string feed = app.File("feed");
        // A version no earlier run used, so restore cannot take a stale copy from the global packages folder.
        string version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}.{Environment.ProcessId}";
        string root = ConsumerProject.RepositoryRoot();
        ConsumerProject.Dotnet(root, "pack", "src/Ml.BatchNorm/Ml.BatchNorm.csproj", "-c", "Release", "-nologo", "-v:q",
            "--disable-build-servers", "-o", feed, $"-p:PackageVersion={version}");
        File.WriteAllText(app.File("nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="ml-batchnorm-test-feed" value="{feed}" />
              </packageSources>
            </configuration>
            """);
        app.Write($"""<PackageReference Include="Ml.BatchNorm" Version="{version}" />""");

        try
        {
            string nupkg = Path.Combine(feed, $"Ml.BatchNorm.{version}.nupkg");
            Assert.IsTrue(File.Exists(nupkg), string.Join(", ", Directory.GetFiles(feed)));
            CheckDependsOnTorchSharpCpu(nupkg);
            CheckTrained(app.BuildAndRun());
        }
        finally
        {
            // Our own test version only: nothing else in the global packages folder is touched.
            string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            string restored = Path.Combine(packages, "ml.batchnorm", version);
            if (Directory.Exists(restored))
            {
                Directory.Delete(restored, recursive: true);
            }

            string parent = Path.GetDirectoryName(restored)!;
            if (Directory.Exists(parent) && !Directory.EnumerateFileSystemEntries(parent).Any())
            {
                Directory.Delete(parent);
            }
        }
    }

    private static void CheckDependsOnTorchSharpCpu(string nupkg)
    {
        using var archive = System.IO.Compression.ZipFile.OpenRead(nupkg);
        var entry = archive.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal));
        using var stream = entry.Open();
        var nuspec = XDocument.Load(stream);
        var dependencies = nuspec.Descendants().Where(e => e.Name.LocalName == "dependency").Select(e => (string?)e.Attribute("id")).ToList();
        CollectionAssert.Contains(dependencies, "TorchSharp-cpu");
        var description = nuspec.Descendants().Single(e => e.Name.LocalName == "description").Value;
        StringAssert.Contains(description, "batch normalization");
    }

    private static void CheckTrained(string output)
    {
        StringAssert.Contains(output, "TorchSharp native library:");
        StringAssert.Contains(output, "threads: 1 intra-op");
        StringAssert.Contains(output, "loss ");
        bool patchedHere = TorchRuntime.EnsureLoaded().UsesPatchedCopy;
        Assert.AreEqual(patchedHere, output.Contains("patched copy", StringComparison.Ordinal), output);
    }
}
