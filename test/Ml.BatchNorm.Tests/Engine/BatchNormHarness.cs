using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Runs a <see cref="BatchNormalization"/> module on float arrays, as the batch-norm tests need.</summary>
internal static class BatchNormHarness
{
    /// <summary>A layer for NCHW input of <paramref name="channels"/> channels (tests use 4 x 5 images: 20 values per channel and image).</summary>
    public static BatchNormalization Layer(BatchNormOptions options, int channels = 3, int layerIndex = 0) => new(channels, options, layerIndex);

    /// <summary>The module's output for <paramref name="x"/> of the given shape, in training or inference mode.</summary>
    public static float[] Forward(BatchNormalization layer, float[] x, long[] shape, bool training)
    {
        layer.train(training);
        using var scope = NewDisposeScope();
        var y = layer.forward(tensor(x, shape));
        return y.data<float>().ToArray();
    }

    /// <summary>NCHW shape of a batch of 4 x 5 images.</summary>
    public static long[] Images(int batch, int channels) => [batch, channels, 4, 5];

    public static float[] Read(Tensor t) => t.data<float>().ToArray();

    public static void Write(Tensor t, float[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values);
        t.copy_(source);
    }

    public static void Write(Tensor t, double[] values) => Write(t, values.Select(v => (float)v).ToArray());

    public static bool HasTensor(nn.Module module, string name) =>
        module.named_parameters().Any(p => p.name == name) || module.named_buffers().Any(b => b.name == name);
}
