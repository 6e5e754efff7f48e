using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine.Layers;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine.Layers;

/// <summary>The dropout mask: its values, its rate, its stream, and the layer's forward and backward passes.</summary>
[TestClass]
public sealed class SeededDropoutTests
{
    [ClassInitialize]
    public static void LoadTorch(TestContext context) => Ml.BatchNorm.Runtime.TorchRuntime.EnsureLoaded();

    [TestMethod]
    [DataRow(0.7)]
    [DataRow(0.25)]
    [DataRow(0.999)]
    public void KeepsAboutTheKeepProbabilityAndScalesTheKeptElements(double keep)
    {
        using var scope = NewDisposeScope();
        const long Count = 128 * 2048;
        var mask = SeededDropout.Mask([128, 2048], keep, key: 42);
        var values = mask.data<float>().ToArray();
        float kept = (float)(1.0 / keep);
        Assert.IsTrue(values.All(v => v == 0f || v == kept), "every element is 0 or 1 / keep");
        double rate = values.Count(v => v != 0f) / (double)Count;

        // Five standard deviations of a binomial proportion: a wrong threshold or a biased stream lands far outside.
        double sd = Math.Sqrt(keep * (1 - keep) / Count);
        Assert.IsLessThan(5 * sd, Math.Abs(rate - keep), $"kept {rate:F5} of the elements, expected {keep}");
    }

    [TestMethod]
    public void ElementsFollowTheSplitMix64StreamOfTheKey()
    {
        // Independent of the block-parallel fill: the first elements straight from a SplitMix64 generator,
        // low 32 bits for the even element, high 32 bits for the odd one. An odd count exercises the last half draw.
        using var scope = NewDisposeScope();
        const ulong Key = 123456789;
        const double Keep = 0.5;
        var values = SeededDropout.Mask([3, 3333], Keep, Key).data<float>().ToArray();
        var generator = new SplitMix64(Key);
        for (int i = 0; i < values.Length; i += 2)
        {
            ulong bits = generator.Next();
            Assert.AreEqual((uint)bits < 2147483648u ? 2f : 0f, values[i], $"element {i}");
            if (i + 1 < values.Length)
            {
                Assert.AreEqual((uint)(bits >> 32) < 2147483648u ? 2f : 0f, values[i + 1], $"element {i + 1}");
            }
        }
    }

    [TestMethod]
    public void DifferentKeysGiveDifferentMasksAndTheSameKeyTheSameMask()
    {
        using var scope = NewDisposeScope();
        var a = SeededDropout.Mask([64, 100], 0.7, key: 1);
        var again = SeededDropout.Mask([64, 100], 0.7, key: 1);
        var b = SeededDropout.Mask([64, 100], 0.7, key: 2);
        Assert.IsTrue(a.eq(again).all().item<bool>());
        double agreement = a.eq(b).to(ScalarType.Float32).mean().item<float>();

        // Two independent masks at keep 0.7 agree on 0.7² + 0.3² = 58% of the elements.
        Assert.IsLessThan(0.03, Math.Abs(agreement - 0.58), $"masks of keys 1 and 2 agree on {agreement:P1}");
    }

    [TestMethod]
    public void TheLayerMultipliesByTheMaskAndSoDoesItsGradient()
    {
        using var scope = NewDisposeScope();
        var context = new ForwardContext(seed: 9) { Step = 17 };
        using var layer = new SeededDropout("3", 3, 0.7, context);
        layer.train();
        var x = randn(16, 50).requires_grad_(true);
        var y = layer.call(x);
        y.sum().backward();
        ulong key = ForwardContext.Mix(9UL ^ ForwardContext.Mix((17UL * 1000003UL) + 3UL));
        var mask = SeededDropout.Mask([16, 50], 0.7, key);
        Assert.IsTrue(y.detach().allclose(x.detach() * mask), "forward: x · mask");
        Assert.IsTrue(x.grad!.eq(mask).all().item<bool>(), "backward: the upstream gradient · mask");

        layer.eval();
        Assert.IsTrue(layer.call(x).eq(x).all().item<bool>(), "inference mode passes x through");
    }
}
