namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// What one forward pass of a <see cref="SpecModule"/> needs to know besides its input: the training
/// step (dropout masks are a function of the seed, the step and the layer), and whether batch norm is
/// recalibrating. Shared by the layers of one network; set by the network before each pass.
/// </summary>
internal sealed class ForwardContext
{
    public ForwardContext(ulong seed) => Seed = seed;

    /// <summary>The network's seed.</summary>
    public ulong Seed { get; }

    /// <summary>The zero-based training step of the pass.</summary>
    public ulong Step { get; set; }

    /// <summary>Batch norm pools exact statistics instead of updating its moving ones, and dropout is off.</summary>
    public bool Recalibrating { get; set; }

    /// <summary>Whether CReLU (and batch norm + CReLU + 2x2 max-pool) run as C# kernels or as the plain TorchSharp operators.</summary>
    public Kernels.KernelPath KernelPath { get; set; } = Kernels.KernelPath.Fused;

    /// <summary>A splitmix64 finalizer: decorrelates seeds derived from (seed, step, layer).</summary>
    public static ulong Mix(ulong x)
    {
        x += 0x9e3779b97f4a7c15UL;
        x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9UL;
        x = (x ^ (x >> 27)) * 0x94d049bb133111ebUL;
        return x ^ (x >> 31);
    }
}
