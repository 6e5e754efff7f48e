using System.Text.Json;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Bench;

/// <summary>What both benchmarks share with the peer: the network by name, its initial weights as safetensors, and results as JSON.</summary>
internal static class PeerFiles
{
    public static NetworkSpec Spec(string model) => model == "model1" ? SeedNetworks.Model1() : SeedNetworks.Model2();

    public static void ExportInitialWeights(Network network, string? path)
    {
        if (path is null)
        {
            return;
        }

        using var stream = File.Create(path);
        SafeTensorsFormat.Write(stream, NetworkTensors.Export(network, TensorRole.Parameter, TensorRole.Statistic));
    }

    public static void WriteResult(ThroughputResult result, string? path)
    {
        if (path is not null)
        {
            File.WriteAllText(path, JsonSerializer.Serialize(result));
        }
    }
}
