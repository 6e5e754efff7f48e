using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Engine;

/// <summary>Moves a network's named tensors to and from <see cref="TensorData"/> (the safetensors payload of model files and checkpoints).</summary>
internal static class NetworkTensors
{
    public static List<TensorData> Export(Network network, params TensorRole[] roles)
    {
        var result = new List<TensorData>();
        foreach (var info in network.GetTensorInfos())
        {
            if (Array.IndexOf(roles, info.Role) < 0)
            {
                continue;
            }

            var values = new float[info.ElementCount];
            network.ReadTensor(info.Name, values);
            result.Add(new TensorData(info.Name, info.Shape.ToArray(), values));
        }

        return result;
    }

    /// <summary>Writes every tensor of the given roles from <paramref name="tensors"/>; a missing or misshapen one is an error naming <paramref name="source"/>.</summary>
    public static void Import(Network network, IReadOnlyList<TensorData> tensors, string source, params TensorRole[] roles)
    {
        var byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
        foreach (var info in network.GetTensorInfos())
        {
            if (Array.IndexOf(roles, info.Role) < 0)
            {
                continue;
            }

            if (!byName.TryGetValue(info.Name, out var tensor))
            {
                throw new InvalidDataException($"{source}: tensor '{info.Name}' is missing.");
            }

            if (!tensor.Shape.SequenceEqual(info.Shape))
            {
                throw new InvalidDataException($"{source}: tensor '{info.Name}' has shape [{string.Join(", ", tensor.Shape)}]; the network needs [{string.Join(", ", info.Shape)}].");
            }

            network.WriteTensor(info.Name, tensor.Values);
        }
    }
}
