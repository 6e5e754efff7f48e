namespace Ml.BatchNorm.Diagnostics;

/// <summary>Per-layer batch-norm statistics on one or more batches, and the findings they raise.</summary>
/// <param name="Layers">One entry per batch-norm layer, in layer order (empty for a network without batch norm).</param>
/// <param name="Rows">Rows measured (all batches together).</param>
/// <param name="Batches">Batches measured; per-layer values are means over them, dead channels are dead on every batch.</param>
/// <param name="Findings">Non-finite values, stale statistics and dead channels; empty when all is well.</param>
public sealed record BatchNormTelemetryReport(IReadOnlyList<BatchNormLayerTelemetry> Layers, int Rows, int Batches, IReadOnlyList<BatchNormFinding> Findings);
