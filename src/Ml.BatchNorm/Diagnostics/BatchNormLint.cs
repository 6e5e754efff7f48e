using System.Globalization;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Diagnostics;

/// <summary>Checks a <see cref="NetworkSpec"/> for batch-norm arrangements that train or score worse than they should.</summary>
public static class BatchNormLint
{
    /// <summary>A decay at or below this is reported as a likely PyTorch momentum (<see cref="DiagnosticCodes.DecayLooksLikeMomentum"/>).</summary>
    public const double MomentumLikeDecay = 0.5;

    /// <summary>Every finding for <paramref name="spec"/>, in layer order; empty when the spec looks right.</summary>
    public static IReadOnlyList<BatchNormFinding> Check(NetworkSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var findings = new List<BatchNormFinding>();
        var layers = spec.Layers;
        int lastBatchNorm = -1;
        for (int i = 0; i < layers.Count; i++)
        {
            if (layers[i] is BatchNormLayer)
            {
                lastBatchNorm = i;
            }
        }

        for (int i = 0; i < layers.Count; i++)
        {
            switch (layers[i])
            {
                case DropoutLayer dropout when i < lastBatchNorm && dropout.KeepProbability < 1:
                    int next = NextBatchNorm(layers, i);
                    findings.Add(new BatchNormFinding(
                        DiagnosticCodes.DropoutBeforeBatchNorm,
                        DiagnosticSeverity.Warning,
                        $"dropout (keep {F(dropout.KeepProbability)}) feeds the batch norm at layer {next}{(next == i + 1 ? " directly" : $" through {next - i - 1} layer(s)")}: in training it sees the variance of dropped-out inputs, at inference the smaller variance without dropout, so its moving statistics do not fit inference.",
                        "Move the dropout after the last batch-norm layer (the seed network puts it before the logits), or recalibrate the statistics after training with dropout off (mlbn recalibrate).",
                        i));
                    break;
                case ConvolutionLayer { UseBias: true } when NextIsBatchNorm(layers, i):
                    findings.Add(BiasFinding(i, "convolution"));
                    break;
                case DenseLayer { UseBias: true } when NextIsBatchNorm(layers, i):
                    findings.Add(BiasFinding(i, "dense layer"));
                    break;
                case BatchNormLayer bn when bn.Options.MovingAverageDecay <= MomentumLikeDecay:
                    double decay = bn.Options.MovingAverageDecay;
                    findings.Add(new BatchNormFinding(
                        DiagnosticCodes.DecayLooksLikeMomentum,
                        DiagnosticSeverity.Warning,
                        $"moving-average decay {F(decay)} keeps only {F(decay * 100)}% of the old average per step; it looks like a PyTorch momentum (the weight of the new batch), which is the opposite convention.",
                        $"MovingAverageDecay has TensorFlow's meaning (0.95, 0.99, 0.999). If {F(decay)} came from PyTorch code, use {nameof(BatchNormOptions)}.{nameof(BatchNormOptions.FromPyTorchMomentum)}({F(decay)}), i.e. decay {F(1 - decay)}.",
                        i));
                    break;
            }
        }

        return findings;
    }

    private static BatchNormFinding BiasFinding(int layer, string kind) => new(
        DiagnosticCodes.BiasBeforeBatchNorm,
        DiagnosticSeverity.Info,
        $"the {kind} has a bias and feeds the batch norm at layer {layer + 1}, whose mean subtraction cancels it: a parameter that never learns anything.",
        "Set UseBias to false; the batch norm's shift (Center, beta) does the bias's job.",
        layer);

    private static bool NextIsBatchNorm(IReadOnlyList<LayerSpec> layers, int i) => i + 1 < layers.Count && layers[i + 1] is BatchNormLayer;

    private static int NextBatchNorm(IReadOnlyList<LayerSpec> layers, int i)
    {
        for (int j = i + 1; j < layers.Count; j++)
        {
            if (layers[j] is BatchNormLayer)
            {
                return j;
            }
        }

        return -1;
    }

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
