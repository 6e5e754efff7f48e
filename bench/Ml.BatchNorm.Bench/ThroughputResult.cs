using System.Text.Json.Serialization;

namespace Ml.BatchNorm.Bench;

/// <summary>One side's measurement, in the JSON shape the peer writes too.</summary>
internal sealed record ThroughputResult(
    [property: JsonPropertyName("framework")] string Framework,
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("batch_size")] int BatchSize,
    [property: JsonPropertyName("torch_threads")] int TorchThreads,
    [property: JsonPropertyName("interop_threads")] int InteropThreads,
    [property: JsonPropertyName("steps")] int Steps,
    [property: JsonPropertyName("seconds")] double Seconds,
    [property: JsonPropertyName("images_per_second")] double ImagesPerSecond,
    [property: JsonPropertyName("final_loss")] double? FinalLoss = null,
    [property: JsonPropertyName("latency_ms")] Latency? LatencyMs = null,
    [property: JsonPropertyName("flops_per_image")] double? FlopsPerImage = null,
    [property: JsonPropertyName("instruction_set")] string? InstructionSet = null,
    [property: JsonPropertyName("kernel_path")] string? KernelPath = null,
    [property: JsonPropertyName("peak_rss_mb")] double? PeakRssMb = null);

/// <summary>Per-image latency percentiles in milliseconds.</summary>
internal sealed record Latency(
    [property: JsonPropertyName("samples")] int Samples,
    [property: JsonPropertyName("p50")] double P50,
    [property: JsonPropertyName("p99")] double P99);
