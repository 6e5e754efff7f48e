using System.Runtime.InteropServices;
using System.Text.Json;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// The value of <see cref="OnnxMetadataKeys.ExtraTensors"/>: tensors the inference graph does not use,
/// bit-exact as base64 little-endian float32. Kept out of the initializers because ONNX Runtime warns
/// about (and drops) every initializer no node reads.
/// </summary>
internal static class ExtraTensorsJson
{
    private sealed record Entry(long[] Shape, string Data);

    public static string Write(IEnumerable<TensorData> tensors) =>
        JsonSerializer.Serialize(tensors.ToDictionary(
            t => t.Name,
            t => new Entry(t.Shape.ToArray(), Convert.ToBase64String(MemoryMarshal.AsBytes(t.Values.AsSpan())))));

    /// <exception cref="JsonException">Malformed JSON.</exception>
    /// <exception cref="FormatException">Malformed base64.</exception>
    public static List<TensorData> Read(string json)
    {
        var entries = JsonSerializer.Deserialize<Dictionary<string, Entry>>(json) ?? [];
        return entries.Select(e => new TensorData(e.Key, e.Value.Shape, MemoryMarshal.Cast<byte, float>(Convert.FromBase64String(e.Value.Data)).ToArray())).ToList();
    }
}
