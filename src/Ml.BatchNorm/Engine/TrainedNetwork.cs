namespace Ml.BatchNorm.Engine;

/// <summary>A trained network with the names of its classes and how it was trained. Dispose it to release the native network.</summary>
public sealed class TrainedNetwork : IDisposable
{
    /// <summary>Wraps a network and its metadata; takes ownership of <paramref name="network"/>.</summary>
    public TrainedNetwork(Network network, IReadOnlyList<string> labelNames, TrainingSummary? summary)
    {
        ArgumentNullException.ThrowIfNull(network);
        ArgumentNullException.ThrowIfNull(labelNames);
        if (labelNames.Count != network.OutputSize)
        {
            throw new ArgumentException($"{labelNames.Count} label names for a network with {network.OutputSize} outputs.", nameof(labelNames));
        }

        Network = network;
        LabelNames = labelNames.ToArray();
        Summary = summary;
    }

    /// <summary>The network, in inference mode for every public use.</summary>
    public Network Network { get; }

    /// <summary>Class names, indexed by class.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>How it was trained; null when unknown.</summary>
    public TrainingSummary? Summary { get; }

    /// <summary>Releases the native network.</summary>
    public void Dispose() => Network.Dispose();
}
