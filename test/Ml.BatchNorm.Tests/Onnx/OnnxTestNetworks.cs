using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>Briefly trained networks (so that batch-norm moving statistics and weights are far from their initial values) and test images.</summary>
internal static class OnnxTestNetworks
{
    /// <summary>The batch-norm options of the issue that change inference: no shift, a learnt scale, a small epsilon.</summary>
    public static BatchNormOptions InferenceChangingOptions => new() { Center = false, Scale = true, Epsilon = 1e-5 };

    public static TrainingOptions Options => new() { BatchSize = 50, Iterations = 8, EvaluateEvery = 0, Diagnostics = false, Seed = 7, LearningRate = 0.01 };

    /// <summary>A few steps on the first 400 training images.</summary>
    public static TrainedNetwork Train(NetworkSpec spec) =>
        new Trainer(spec, Options).Train(FashionMnist.Train.Take(400));

    /// <summary>The first <paramref name="count"/> test images as pixel / 255 floats, row after row.</summary>
    public static float[] TestImages(int count)
    {
        ImageDataset test = FashionMnist.Test;
        var images = new float[count * test.PixelsPerImage];
        for (int i = 0; i < count; i++)
        {
            test.CopyImage(i, images.AsSpan(i * test.PixelsPerImage, test.PixelsPerImage));
        }

        return images;
    }

    public static float[] EngineScores(Network network, float[] images, int count)
    {
        var scores = new float[count * network.OutputSize];
        network.Score(images, count, scores);
        return scores;
    }

    /// <summary>||actual - expected|| / ||expected||, in float64.</summary>
    public static double RelativeError(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
    {
        Assert.AreEqual(expected.Length, actual.Length, "lengths differ");
        double diff = 0, norm = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double d = (double)actual[i] - expected[i];
            diff += d * d;
            norm += (double)expected[i] * expected[i];
        }

        return Math.Sqrt(diff) / Math.Sqrt(norm);
    }

    public static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int k = 1; k < row.Length; k++)
        {
            if (row[k] > row[best])
            {
                best = k;
            }
        }

        return best;
    }
}
