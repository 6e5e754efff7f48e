using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Engine.Modules;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>
/// dense (no bias) -> BN as logits -> mean cross-entropy: the gradient autograd gives the dense
/// weight, compared with float64 central differences of the reference loss (r and d held at their
/// values for the batch, which is what the stop-gradient means).
/// </summary>
internal static class DenseGradientCheck
{
    public static void Run(BatchNormOptions options, int ghostSize, bool renorm, ScalarType dtype, double tolerance)
    {
        const int batch = 6, inputs = 4, classes = 3;
        const double epsilon = 1e-3;
        using var layer = new BatchNormalization(classes, options, 2);
        layer.to(dtype);
        double[] gamma = [1.2, 0.8, -0.5], beta = [0.1, -0.2, 0.3];
        Set(layer.Gamma!, gamma);
        Set(layer.Beta!, beta);
        var random = new Random(7);
        var w0 = Enumerable.Range(0, classes * inputs).Select(_ => 0.5 * ((random.NextDouble() * 2) - 1)).ToArray();
        var x = BatchNormReference.RandomInput(batch * inputs, seed: 31, offset: 0.2, scale: 1).Select(v => (double)v).ToArray();
        long[] labels = [0, 1, 2, 2, 1, 0];

        double[][]? r = null, d = null;
        if (renorm)
        {
            // Place the renorm statistics so that channel 0 stays inside the limits and 1 and 2 clip.
            var z = BatchNormModesReference.Dense(x, w0, batch, inputs, classes);
            var g = BatchNormModesReference.Ghosts(z, batch, classes, 1, 0)[0];
            double[] sigmaB = g.BiasedVariance.Select(v => Math.Sqrt(v + epsilon)).ToArray();
            double[] movingStd = [sigmaB[0] * 0.9, sigmaB[1] * 3, sigmaB[2] * 0.2];
            double[] movingMean = [g.Mean[0] - (0.2 * movingStd[0]), g.Mean[1] - (2 * movingStd[1]), g.Mean[2] + movingStd[2]];
            Set(layer.RenormMean!, movingMean);
            Set(layer.RenormStd!, movingStd);

            // The reference uses the values the layer holds (rounded to float32 where it is float32).
            var reference = new BatchNormModesReference.Renorm(1.5, 0.5, Get(layer.RenormMean!), Get(layer.RenormStd!));
            (r, d) = BatchNormModesReference.RenormFactors([g], epsilon, reference);
            Assert.IsTrue(r[0][0] < 1.5 && r[0][0] > 1 / 1.5 && Math.Abs(r[0][1]) == 1 / 1.5 && r[0][2] == 1.5, "channel 0 inside the limits, 1 and 2 clipped");
        }

        double Loss(double[] w)
        {
            var z = BatchNormModesReference.Dense(x, w, batch, inputs, classes);
            var y = BatchNormModesReference.Forward(z, batch, classes, 1, ghostSize, epsilon, gamma, beta, r, d);
            return BatchNormModesReference.CrossEntropy(y, labels, batch, classes);
        }

        var expected = new double[w0.Length];
        const double h = 1e-6;
        for (int i = 0; i < w0.Length; i++)
        {
            var plus = (double[])w0.Clone();
            var minus = (double[])w0.Clone();
            plus[i] += h;
            minus[i] -= h;
            expected[i] = (Loss(plus) - Loss(minus)) / (2 * h);
        }

        using var scope = NewDisposeScope();
        var weight = tensor(w0, [classes, inputs]).to(dtype).requires_grad_();
        layer.train();
        var logits = layer.forward(tensor(x, [batch, inputs]).to(dtype).matmul(weight.t()));
        var loss = nn.functional.cross_entropy(logits, tensor(labels));
        loss.backward();
        Assert.AreEqual(Loss(w0), loss.to(float64).item<double>(), dtype == float64 ? 1e-12 : 1e-5, "the loss must equal the reference loss");
        var gradient = weight.grad!.to(float32).data<float>().ToArray();
        Assert.IsLessThan(tolerance, BatchNormReference.RelativeError(gradient, expected), $"{dtype} gradient");
    }

    private static void Set(Tensor t, double[] values)
    {
        using var noGrad = no_grad();
        using var source = tensor(values);
        t.copy_(source);
    }

    private static double[] Get(Tensor t) => t.to(float64).data<double>().ToArray();
}
