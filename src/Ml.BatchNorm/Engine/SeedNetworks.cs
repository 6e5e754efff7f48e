namespace Ml.BatchNorm.Engine;

/// <summary>
/// The two networks of the seed experiment: model1 with batch normalization and model2 without.
/// conv 5x5/16 same → [BN] → CReLU → max-pool 2 → conv 5x5/32 same → [BN] → CReLU → max-pool 2 →
/// flatten → dense 1024 → [BN] → CReLU → dropout → dense (logits).
/// </summary>
public static class SeedNetworks
{
    /// <summary>The seed's keep probability for its dropout layer.</summary>
    public const double DefaultKeepProbability = 0.7;

    /// <summary>model1: batch normalization after every hidden layer, whose shift replaces the biases.</summary>
    public static NetworkSpec Model1(BatchNormOptions? batchNorm = null, int classes = 10, double keepProbability = DefaultKeepProbability, int height = 28, int width = 28)
    {
        var bn = new BatchNormLayer(batchNorm ?? new BatchNormOptions());
        return new NetworkSpec(1, height, width,
        [
            new ConvolutionLayer(16, 5), bn, new CReluLayer(), new MaxPoolLayer(2),
            new ConvolutionLayer(32, 5), bn, new CReluLayer(), new MaxPoolLayer(2),
            new FlattenLayer(),
            new DenseLayer(1024, UseBias: false), bn, new CReluLayer(),
            new DropoutLayer(keepProbability),
            new DenseLayer(classes),
        ]);
    }

    /// <summary>model2: the same network without normalization, with biases instead.</summary>
    public static NetworkSpec Model2(int classes = 10, double keepProbability = DefaultKeepProbability, int height = 28, int width = 28) =>
        new(1, height, width,
        [
            new ConvolutionLayer(16, 5, UseBias: true), new CReluLayer(), new MaxPoolLayer(2),
            new ConvolutionLayer(32, 5, UseBias: true), new CReluLayer(), new MaxPoolLayer(2),
            new FlattenLayer(),
            new DenseLayer(1024, UseBias: true), new CReluLayer(),
            new DropoutLayer(keepProbability),
            new DenseLayer(classes),
        ]);
}
