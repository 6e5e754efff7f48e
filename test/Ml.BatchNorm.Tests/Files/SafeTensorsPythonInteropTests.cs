using System.Diagnostics;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Tests.Files;

/// <summary>Checks that PyTorch reads what <see cref="SafeTensorsFormat"/> writes, where python3 with torch is installed.</summary>
[TestClass]
public sealed class SafeTensorsPythonInteropTests
{
    private const string Python = "/usr/bin/python3";

    // Parses the file with only json, struct and torch.frombuffer (the safetensors package may be absent), so it
    // checks the byte layout itself rather than trusting a reader that shares our assumptions.
    private const string Script = """
        import json, struct, sys
        try:
            import torch
        except ImportError:
            print("NO_TORCH"); sys.exit(3)
        with open(sys.argv[1], "rb") as f:
            raw = f.read()
        (n,) = struct.unpack("<Q", raw[:8])
        assert n % 8 == 0, "header not padded"
        header = json.loads(raw[8:8 + n].decode("utf-8"))
        data = raw[8 + n:]
        out = {"metadata": header.pop("__metadata__", {}), "tensors": {}}
        for name, d in header.items():
            assert d["dtype"] == "F32"
            b, e = d["data_offsets"]
            if e > b:
                t = torch.frombuffer(bytearray(data[b:e]), dtype=torch.float32).reshape(d["shape"])
            else:
                t = torch.zeros(d["shape"], dtype=torch.float32)
            out["tensors"][name] = {"shape": list(t.shape), "sum": float(t.double().sum()), "first": float(t.flatten()[0]) if t.numel() else None}
        print(json.dumps(out))
        """;

    [TestMethod]
    public void PyTorchReadsTheWrittenFile()
    {
        if (!File.Exists(Python))
            Assert.Inconclusive($"{Python} is not installed.");

        var tensors = new TensorData[]
        {
            new("conv1.weight", [4, 3, 3, 3], Enumerable.Range(0, 108).Select(i => (i - 50) * 0.125f).ToArray()),
            new("bn1.running_mean", [4], [0.5f, -1.5f, 2.25f, 1e-3f]),
            new("num_batches_tracked", [], [17f]),
            new("unused", [0, 5], []),
        };
        var path = Path.Combine(Path.GetTempPath(), $"mlbn-interop-{Guid.NewGuid():N}.safetensors");
        try
        {
            using (var file = File.Create(path))
                SafeTensorsFormat.Write(file, tensors, new Dictionary<string, string> { ["format"] = "pt", ["source"] = "Ml.BatchNorm" });

            var (exitCode, stdout, stderr) = RunPython(path);
            if (exitCode == 3 && stdout.Contains("NO_TORCH"))
                Assert.Inconclusive("torch is not importable by python3.");
            Assert.AreEqual(0, exitCode, $"python failed:\n{stderr}");

            var result = JsonNode.Parse(stdout)!;
            Assert.AreEqual("pt", (string?)result["metadata"]!["format"]);
            Assert.AreEqual("Ml.BatchNorm", (string?)result["metadata"]!["source"]);
            foreach (var t in tensors)
            {
                var r = result["tensors"]![t.Name] ?? throw new AssertFailedException($"python did not see tensor {t.Name}");
                CollectionAssert.AreEqual(t.Shape.ToArray(), r["shape"]!.AsArray().Select(x => (long)x!).ToArray(), t.Name);
                Assert.AreEqual(t.Values.Sum(v => (double)v), (double)r["sum"]!, 1e-6, t.Name);
                if (t.ElementCount > 0)
                    Assert.AreEqual(t.Values[0], (double)r["first"]!, 0.0, t.Name);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static (int ExitCode, string Stdout, string Stderr) RunPython(string path)
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("python did not finish within 2 minutes.");
        }

        return (process.ExitCode, stdout.Result.Trim(), stderr.Result.Trim());
    }
}
