using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Engine;

/// <summary>Each optimizer's update on a softmax-regression network against a float64 implementation of its formula.</summary>
[TestClass]
public sealed class OptimizerReferenceTests
{
    private const int Batch = 4, Inputs = 3, Classes = 2;
    private static readonly float[] X = [0.5f, -1f, 2f, 1.5f, 0.25f, -0.5f, -2f, 1f, 0.75f, 0f, 0.5f, 1f];
    private static readonly long[] Y = [0, 1, 1, 0];

    [TestMethod]
    [DataRow((int)OptimizerKind.Sgd, 0.9, 0.0)]
    [DataRow((int)OptimizerKind.Sgd, 0.0, 0.0)]
    [DataRow((int)OptimizerKind.Adagrad, 0.0, 0.0)]
    [DataRow((int)OptimizerKind.Adam, 0.9, 0.999)]
    [DataRow((int)OptimizerKind.Adam, 0.5, 0.9)]
    public void ThreeStepsMatchTheFloat64Formula(int optimizer, double beta1, double beta2)
    {
        var kind = (OptimizerKind)optimizer;
        const double lr = 0.1, epsilon = 1e-8, initialAccumulator = 0.1;
        var spec = new NetworkSpec(1, 1, Inputs, [new FlattenLayer(), new DenseLayer(Classes, UseBias: true)]);
        using var network = new Network(spec, seed: 3);
        network.SetOptimizer(kind, beta1, beta2, epsilon, 0, initialAccumulator, nesterov: false);
        double[] parameters = [.. network.ReadTensor("1.weight").Select(v => (double)v), .. network.ReadTensor("1.bias").Select(v => (double)v)];
        var slot1 = new double[parameters.Length];
        var slot2 = new double[parameters.Length];
        if (kind == OptimizerKind.Adagrad)
        {
            Array.Fill(slot1, initialAccumulator);
        }

        for (int step = 0; step < 3; step++)
        {
            network.TrainStep(X, Y, Batch, lr, (ulong)step);
            var g = Gradient(parameters);
            for (int i = 0; i < parameters.Length; i++)
            {
                switch (kind)
                {
                    case OptimizerKind.Sgd:
                        slot1[i] = (beta1 * slot1[i]) + g[i];
                        parameters[i] -= lr * (beta1 == 0 ? g[i] : slot1[i]);
                        break;
                    case OptimizerKind.Adagrad:
                        slot1[i] += g[i] * g[i];
                        parameters[i] -= lr * g[i] / (Math.Sqrt(slot1[i]) + epsilon);
                        break;
                    case OptimizerKind.Adam:
                        slot1[i] = (beta1 * slot1[i]) + ((1 - beta1) * g[i]);
                        slot2[i] = (beta2 * slot2[i]) + ((1 - beta2) * g[i] * g[i]);
                        double mHat = slot1[i] / (1 - Math.Pow(beta1, step + 1));
                        double vHat = slot2[i] / (1 - Math.Pow(beta2, step + 1));
                        parameters[i] -= lr * mHat / (Math.Sqrt(vHat) + epsilon);
                        break;
                }
            }
        }

        float[] actual = [.. network.ReadTensor("1.weight"), .. network.ReadTensor("1.bias")];
        Assert.IsLessThan(1e-5, BatchNormReference.RelativeError(actual, parameters));
    }

    [TestMethod]
    [DataRow(0.1)]
    [DataRow(0.35)]
    public void LabelSmoothingChangesTheLossAndGradientAsItsFormulaSays(double epsilon)
    {
        const double lr = 0.5;
        var spec = new NetworkSpec(1, 1, Inputs, [new FlattenLayer(), new DenseLayer(Classes, UseBias: true)]);
        using var network = new Network(spec, seed: 3);
        network.SetOptimizer(new TrainingOptions { Optimizer = OptimizerKind.Sgd, Momentum = 0, LabelSmoothing = epsilon });
        double[] parameters = [.. network.ReadTensor("1.weight").Select(v => (double)v), .. network.ReadTensor("1.bias").Select(v => (double)v)];

        (float loss, _) = network.TrainStep(X, Y, Batch, lr, 0);
        var g = Gradient(parameters, epsilon, out double expectedLoss);
        for (int i = 0; i < parameters.Length; i++)
        {
            parameters[i] -= lr * g[i];
        }

        Assert.AreEqual(expectedLoss, loss, 1e-5);
        float[] actual = [.. network.ReadTensor("1.weight"), .. network.ReadTensor("1.bias")];
        Assert.IsLessThan(1e-5, BatchNormReference.RelativeError(actual, parameters));
        Assert.AreEqual(epsilon.ToString("R", System.Globalization.CultureInfo.InvariantCulture), new TrainingOptions { LabelSmoothing = epsilon }.Fingerprint()[nameof(TrainingOptions.LabelSmoothing)]);
        Assert.IsFalse(new TrainingOptions().Fingerprint().ContainsKey(nameof(TrainingOptions.LabelSmoothing)));
    }

    [TestMethod]
    [DataRow(-0.1)]
    [DataRow(1.0)]
    public void LabelSmoothingOutsideZeroToOneIsRejectedNamingTheOption(double epsilon)
    {
        var e = Assert.ThrowsExactly<ArgumentException>(new TrainingOptions { LabelSmoothing = epsilon }.Validate);
        StringAssert.Contains(e.Message, "TrainingOptions.LabelSmoothing must be in [0, 1)");
    }

    private static double[] Gradient(double[] p) => Gradient(p, 0, out _);

    // Mean softmax cross-entropy of z = W x + b against targets t = (1 - ε) onehot(y) + ε / K:
    // loss = -Σ t log softmax(z) / N, dz = (softmax(z) - t) / N.
    private static double[] Gradient(double[] p, double epsilon, out double loss)
    {
        loss = 0;
        var g = new double[p.Length];
        for (int n = 0; n < Batch; n++)
        {
            var z = new double[Classes];
            for (int c = 0; c < Classes; c++)
            {
                z[c] = p[(Classes * Inputs) + c];
                for (int i = 0; i < Inputs; i++)
                {
                    z[c] += p[(c * Inputs) + i] * X[(n * Inputs) + i];
                }
            }

            double max = z.Max();
            double sum = z.Sum(v => Math.Exp(v - max));
            for (int c = 0; c < Classes; c++)
            {
                double target = ((1 - epsilon) * (Y[n] == c ? 1 : 0)) + (epsilon / Classes);
                loss -= target * (z[c] - max - Math.Log(sum)) / Batch;
                double dz = ((Math.Exp(z[c] - max) / sum) - target) / Batch;
                for (int i = 0; i < Inputs; i++)
                {
                    g[(c * Inputs) + i] += dz * X[(n * Inputs) + i];
                }

                g[(Classes * Inputs) + c] += dz;
            }
        }

        return g;
    }
}
