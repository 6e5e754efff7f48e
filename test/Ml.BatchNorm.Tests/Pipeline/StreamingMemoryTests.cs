using System.Diagnostics;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Pipeline;

namespace Ml.BatchNorm.Tests.Pipeline;

/// <summary>
/// Fitting, transforming and evaluating stream: over a lazily generated view far larger than the memory bound, the
/// live managed heap stays bounded. Every row is a fresh object with fresh arrays, so any stage that kept rows would
/// show up as growth; the heap is measured after a full collection, every <see cref="ProbeEvery"/> rows of every pass.
/// </summary>
[TestClass]
public sealed class StreamingMemoryTests
{
    private const int ProbeEvery = 20_000;
    private const long Bound = 64L << 20;

    public sealed class Row
    {
        public uint Label { get; set; }

        [VectorType(784)]
        public float[] Image { get; set; } = [];

        [VectorType(10)]
        public float[] Raw { get; set; } = [];
    }

    private sealed class Probe
    {
        private readonly long _baseline = GC.GetTotalMemory(forceFullCollection: true);

        public long PeakGrowth { get; private set; }

        public int Probes { get; private set; }

        public void Measure()
        {
            PeakGrowth = Math.Max(PeakGrowth, GC.GetTotalMemory(forceFullCollection: true) - _baseline);
            Probes++;
        }
    }

    private static IEnumerable<Row> Generate(int count, Probe probe)
    {
        for (int i = 0; i < count; i++)
        {
            if (i % ProbeEvery == 0)
            {
                probe.Measure();
            }

            var image = new float[784];
            image[i % 784] = (i % 256) / 255f;
            var raw = new float[10];
            raw[i % 10] = 1f + (i % 7);
            yield return new Row { Label = (uint)(i % 10), Image = image, Raw = raw };
        }
    }

    [TestMethod]
    public void FitTransformAndEvaluateOverALargeLazyViewUseBoundedMemory()
    {
        const int Rows = 200_000;
        var ctx = new MlBnContext(seed: 1);
        var probe = new Probe();
        var data = ctx.Data.LoadFromEnumerable(Generate(Rows, probe));
        Assert.IsNull(data.GetRowCount(), "an iterator, not a list: nothing is held");
        var clock = Stopwatch.StartNew();
        var model = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.Transforms.NormalizeMinMax("Score", "Raw"))
            .Append(ctx.Transforms.Concatenate("Features", "Image", "Score"))
            .Append(ctx.Transforms.DropColumns("Raw"))
            .Fit(data);
        var scored = model.Transform(data);

        long rows = 0;
        double sum = 0;
        using (var cursor = scored.GetRowCursor(scored.Schema))
        {
            var features = cursor.GetGetter<VBuffer<float>>(scored.Schema["Features"]);
            var value = default(VBuffer<float>);
            while (cursor.MoveNext())
            {
                features(ref value);
                sum += value.GetValues()[784 + (int)(rows % 10)];
                rows++;
            }
        }

        var metrics = ctx.MulticlassClassification.Evaluate(scored, predictedLabelColumnName: "Features");
        Assert.AreEqual(Rows, rows);
        Assert.AreEqual(Rows, metrics.RowCount);
        Assert.AreEqual(1.0, metrics.MicroAccuracy, "the raw scores put the label's slot first");
        Assert.IsGreaterThan(0.0, sum);
        Assert.IsGreaterThanOrEqualTo(4 * Rows / ProbeEvery, probe.Probes, "every pass was probed");
        long dense = (long)Rows * 784 * sizeof(float);
        Assert.IsLessThan(Bound, probe.PeakGrowth, $"peak live growth {probe.PeakGrowth >> 20} MiB; the rows alone are {dense >> 20} MiB");
        Assert.IsLessThan(20.0, clock.Elapsed.TotalSeconds);
    }

    [TestMethod]
    public void NetworkScoringStreamsWithBoundedMemory()
    {
        const int Rows = 30_000;
        var ctx = new MlBnContext(seed: 1);
        var trainingProbe = new Probe();
        using var model = ctx.Transforms.Conversion.MapValueToKey("Label")
            .Append(ctx.MulticlassClassification.Trainers.BatchNormCnn(new BatchNormCnnOptions { Epochs = 1 }))
            .Fit(ctx.Data.LoadFromEnumerable(Generate(256, trainingProbe).ToList()));
        var probe = new Probe();
        var data = ctx.Data.LoadFromEnumerable(Generate(Rows, probe));
        var metrics = ctx.MulticlassClassification.Evaluate(model.Transform(data));
        Assert.AreEqual(Rows, metrics.RowCount);
        Assert.IsGreaterThanOrEqualTo(Rows / ProbeEvery, probe.Probes);
        Assert.IsLessThan(Bound, probe.PeakGrowth, $"peak live growth {probe.PeakGrowth >> 20} MiB; the rows alone are {((long)Rows * 784 * 4) >> 20} MiB");
    }
}
