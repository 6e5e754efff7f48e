using Ml.BatchNorm.Data;
using Ml.BatchNorm.Diagnostics;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Tests.Diagnostics;

[TestClass]
public sealed class BatchNormTelemetryTests
{
    private const int Batch = 64;
    private static TrainedNetwork? _trained;

    // One briefly trained seed network shared by the tests; each test works on its own copy.
    private static TrainedNetwork Trained => _trained ??= new Trainer(
        SeedNetworks.Model1(),
        new TrainingOptions { Iterations = 300, BatchSize = 32, Threads = 2, EvaluateEvery = 0, Seed = 3 }).Train(FashionMnist.Train.Take(4800));

    [ClassCleanup]
    public static void Cleanup() => _trained?.Dispose();

    private static Network Copy() => NetworkCopy.Create(Trained.Network, Trained.Network.Spec);

    private static float[] TrainBatch(int rows = Batch)
    {
        var data = FashionMnist.Train.Select(Enumerable.Range(10_000, rows).ToArray());
        var images = new float[rows * data.PixelsPerImage];
        for (int i = 0; i < rows; i++)
        {
            data.CopyImage(i, images.AsSpan(i * data.PixelsPerImage, data.PixelsPerImage));
        }

        return images;
    }

    [TestMethod]
    public void TrainedNetworkIsQuietAndLeftUnchanged()
    {
        using var network = Copy();
        var before = NetworkTensors.Export(network, TensorRole.Parameter, TensorRole.Statistic);
        var report = BatchNormTelemetry.Measure(network, TrainBatch(), Batch);
        Assert.IsEmpty(report.Findings, string.Join("\n", report.Findings));
        CollectionAssert.AreEqual(new[] { 1, 5, 10 }, report.Layers.Select(l => l.Layer).ToArray());
        CollectionAssert.AreEqual(new[] { 16, 32, 1024 }, report.Layers.Select(l => l.Channels).ToArray());
        Assert.IsTrue(report.Layers.All(l => l.GammaMeanMagnitude is null && l.DeadChannels == 0 && l.ActivationChannels == 2 * l.Channels));
        foreach (var tensor in before)
        {
            CollectionAssert.AreEqual(tensor.Values, network.ReadTensor(tensor.Name), $"{tensor.Name} changed");
        }
    }

    [TestMethod]
    public void BatchStatisticsAreExactForAnyDecay()
    {
        // A decay-0 network's moving statistics after one training-mode forward are that batch's
        // statistics; copied into a decay-0.95 network with the same weights, the telemetry must
        // find them at distance ~0 (it divides its zero-started update by 1 - decay).
        var images = TrainBatch();
        using var zero = new Network(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0 }), seed: 5);
        zero.Forward(images, Batch, training: true, step: 0, new float[Batch * zero.OutputSize]);
        using var network = new Network(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.95 }), seed: 5);
        foreach (var info in zero.GetTensorInfos().Where(t => t.Role == TensorRole.Statistic))
        {
            network.WriteTensor(info.Name, zero.ReadTensor(info.Name));
        }

        var report = BatchNormTelemetry.Measure(network, images, Batch);
        foreach (var layer in report.Layers)
        {
            Assert.IsLessThan(1e-5, layer.MeanDistance, $"layer {layer.Layer} mean");
            Assert.IsLessThan(1e-5, layer.VarianceDistance, $"layer {layer.Layer} variance");
        }

        Assert.IsEmpty(report.Findings);
    }

    [TestMethod]
    public void NaNInMovingVarianceIsAnError()
    {
        using var network = Copy();
        var variance = network.ReadTensor("5.running_var");
        variance[3] = float.NaN;
        network.WriteTensor("5.running_var", variance);
        var finding = BatchNormTelemetry.Measure(network, TrainBatch(), Batch).Findings.Single();
        Assert.AreEqual(DiagnosticCodes.NonFiniteValues, finding.Code);
        Assert.AreEqual(DiagnosticSeverity.Error, finding.Severity);
        Assert.AreEqual(5, finding.Layer);
        StringAssert.Contains(finding.Suggestion, "recalibrate");
    }

    [TestMethod]
    public void MovingMeanFarFromTheBatchMeanIsStale()
    {
        using var network = Copy();
        network.WriteTensor("10.running_mean", network.ReadTensor("10.running_mean").Select(v => v + 10f).ToArray());
        var report = BatchNormTelemetry.Measure(network, TrainBatch(), Batch);
        var finding = report.Findings.Single();
        Assert.AreEqual(DiagnosticCodes.StaleStatistics, finding.Code);
        Assert.AreEqual(10, finding.Layer);
        Assert.IsGreaterThan(BatchNormTelemetry.StaleMeanShift, report.Layers[2].MeanShift);
    }

    [TestMethod]
    public void ChannelsSwitchedOffByBetaAreDead()
    {
        using var network = Copy();
        var beta = network.ReadTensor("1.bias");
        beta[0] = -100;
        beta[7] = 100;
        network.WriteTensor("1.bias", beta);
        var report = BatchNormTelemetry.Measure(network, TrainBatch(), Batch);
        var finding = report.Findings.Single(f => f.Code == DiagnosticCodes.DeadChannels);
        Assert.AreEqual(1, finding.Layer);
        // CReLU: beta -100 kills relu(x) of channel 0, beta +100 kills relu(-x) of channel 7.
        Assert.AreEqual(2, report.Layers[0].DeadChannels);
        StringAssert.Contains(finding.Message, "2 of 32");
    }

    [TestMethod]
    public void GammaNearZeroCountsAsDead()
    {
        var spec = SeedNetworks.Model1(new BatchNormOptions { Scale = true });
        using var network = new Network(spec, seed: 2);
        var gamma = network.ReadTensor("5.weight");
        gamma[1] = 0;
        network.WriteTensor("5.weight", gamma);
        var report = BatchNormTelemetry.Measure(network, TrainBatch(), Batch);
        Assert.AreEqual(1, report.Layers[1].NearZeroGammaChannels);
        Assert.IsNotNull(report.Layers[1].GammaMeanMagnitude);
        Assert.IsTrue(report.Findings.Any(f => f.Code == DiagnosticCodes.DeadChannels && f.Layer == 5));
    }

    [TestMethod]
    public void SeveralBatchesAverage()
    {
        var report = BatchNormTelemetry.Measure(Trained.Network, FashionMnist.Train.Take(2000), Batch, batches: 3);
        Assert.AreEqual(3, report.Batches);
        Assert.AreEqual(3 * Batch, report.Rows);
        Assert.IsEmpty(report.Findings, string.Join("\n", report.Findings));
    }

    [TestMethod]
    public void GapCheckIsQuietOnTheTrainedNetworkAndFiresOnWrongStatistics()
    {
        var test = FashionMnist.Test;
        var good = BatchNormGapCheck.Run(Trained.Network, test, batchSize: 32, rows: 1000);
        Assert.IsNull(good.Finding, $"gap {good.GapPoints:0.0} points");
        Assert.AreEqual(992, good.Rows, "whole batches of 32 only");
        Assert.IsGreaterThan(0.6, good.InferenceAccuracy);

        using var network = Copy();
        foreach (var info in network.GetTensorInfos().Where(t => t.Role == TensorRole.Statistic))
        {
            bool mean = info.Name.EndsWith("running_mean", StringComparison.Ordinal);
            network.WriteTensor(info.Name, Enumerable.Repeat(mean ? 0f : 1f, (int)info.ElementCount).ToArray());
        }

        var bad = BatchNormGapCheck.Run(network, test, batchSize: 32, rows: 1000);
        Assert.IsNotNull(bad.Finding, $"gap {bad.GapPoints:0.0} points");
        Assert.AreEqual(DiagnosticCodes.TrainInferenceGap, bad.Finding.Code);
        StringAssert.Contains(bad.Finding.Suggestion, "mlbn recalibrate");
        StringAssert.Contains(bad.Finding.Suggestion, "decay");
        Assert.AreEqual(good.BatchStatisticsAccuracy, bad.BatchStatisticsAccuracy, 1e-12, "batch statistics do not depend on the moving ones");
    }

    [TestMethod]
    public void TrainerReportsTelemetryGapAndHorizonThroughProgress()
    {
        var reports = new List<TrainingProgress>();
        var options = new TrainingOptions { Epochs = 1, BatchSize = 32, Threads = 2, EvaluateEvery = 10, EvaluationRows = 200, Seed = 4 };
        using var trained = new Trainer(SeedNetworks.Model1(new BatchNormOptions { MovingAverageDecay = 0.999 }), options)
            .Train(FashionMnist.Train.Take(640), FashionMnist.Test.Take(200), new Recorder(reports));
        Assert.HasCount(20, reports);
        Assert.IsTrue(reports[0].Findings.Any(f => f.Code == DiagnosticCodes.LongAveragingHorizon), "horizon warning with the first step");
        Assert.IsTrue(reports.Where(r => r.Evaluation is not null).All(r => r.Evaluation!.Telemetry is { Layers.Count: 3 }));
        Assert.IsNotNull(reports[^1].GapCheck);
        Assert.IsTrue(reports.Take(19).All(r => r.GapCheck is null));
        // 20 steps at decay 0.999 leave the moving statistics at their start: stale, and a gap.
        Assert.IsTrue(reports[^1].Findings.Any(f => f.Code == DiagnosticCodes.StaleStatistics));

        // Evaluating less often than once an epoch: the gap check waits for the next evaluation, once an epoch.
        var sparse = new List<TrainingProgress>();
        using (new Trainer(SeedNetworks.Model1(), options with { Epochs = 2, EvaluateEvery = 30 }).Train(FashionMnist.Train.Take(640), FashionMnist.Test.Take(200), new Recorder(sparse)))
        {
            CollectionAssert.AreEqual(new long[] { 30, 40 }, sparse.Where(r => r.GapCheck is not null).Select(r => r.Step).ToArray());
        }

        var quiet = new List<TrainingProgress>();
        using var _ = new Trainer(SeedNetworks.Model1(), options with { Diagnostics = false }).Train(FashionMnist.Train.Take(640), FashionMnist.Test.Take(200), new Recorder(quiet));
        Assert.IsTrue(quiet.All(r => r.Findings.Count == 0 && r.GapCheck is null && r.Evaluation?.Telemetry is null));
    }

    private sealed class Recorder(List<TrainingProgress> reports) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => reports.Add(value);
    }
}
