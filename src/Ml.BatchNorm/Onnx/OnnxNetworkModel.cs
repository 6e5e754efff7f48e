using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Onnx;

/// <summary>A network rebuilt from an ONNX model by <see cref="OnnxNetworkReader"/>, with what the model's metadata said. Dispose it to release the network.</summary>
public sealed class OnnxNetworkModel : IDisposable
{
    internal OnnxNetworkModel(OnnxModelInfo info, Network network)
    {
        Info = info;
        Network = network;
    }

    /// <summary>The model's metadata.</summary>
    public OnnxModelInfo Info { get; }

    /// <summary>The network, with every weight and statistic the model held.</summary>
    public Network Network { get; }

    /// <summary>Releases the network.</summary>
    public void Dispose() => Network.Dispose();
}
