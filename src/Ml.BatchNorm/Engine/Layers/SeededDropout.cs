using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// Inverted dropout whose mask is a function of the network's seed, the training step and the layer:
/// a resumed run draws the masks an uninterrupted one would, and nothing depends on a process-wide
/// generator (two networks training at once stay independent).
/// </summary>
internal sealed class SeededDropout(string name, int layerIndex, double keepProbability, ForwardContext context) : nn.Module<Tensor, Tensor>(name)
{
    public override Tensor forward(Tensor x)
    {
        // Recalibration measures the activations inference sees, so it runs without dropout.
        if (!training || context.Recalibrating || keepProbability >= 1.0)
        {
            return x;
        }

        ulong seed = ForwardContext.Mix(context.Seed ^ ForwardContext.Mix((context.Step * 1000003UL) + (ulong)layerIndex));
        using var generator = new Generator(seed);
        using var mask = empty(x.shape, x.dtype).bernoulli_(keepProbability, generator);
        using var scaled = mask.to(x.device).div_(keepProbability);
        return x * scaled;
    }
}
