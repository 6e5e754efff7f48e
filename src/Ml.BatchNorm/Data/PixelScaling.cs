using System.Numerics;

namespace Ml.BatchNorm.Data;

/// <summary>Converts raw grey-level bytes to the floats every loader yields: pixel / 255, in [0, 1].</summary>
internal static class PixelScaling
{
    /// <summary>The divisor that maps the byte range onto [0, 1].</summary>
    public const float MaxPixelValue = 255f;

    /// <summary>Writes <c>source[i] / 255</c> to <c>destination[i]</c> for every byte of <paramref name="source"/>.</summary>
    /// <remarks>
    /// Runs once per image per step on the training hot path, so it is vectorized. It divides rather than
    /// multiplying by 1/255 because lane-wise IEEE division rounds exactly like the scalar <c>b / 255f</c>,
    /// which keeps the vector and scalar paths (and every machine) bit-identical.
    /// </remarks>
    public static void ToUnitFloats(ReadOnlySpan<byte> source, Span<float> destination)
    {
        if (destination.Length < source.Length)
        {
            throw new ArgumentException(
                $"destination holds {destination.Length} floats but {source.Length} pixels must be written.",
                nameof(destination));
        }

        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int bytesPerVector = Vector<byte>.Count;
            int floatsPerVector = Vector<float>.Count;
            var divisor = new Vector<float>(MaxPixelValue);
            for (; i <= source.Length - bytesPerVector; i += bytesPerVector)
            {
                var bytes = new Vector<byte>(source.Slice(i, bytesPerVector));
                Vector.Widen(bytes, out Vector<ushort> low, out Vector<ushort> high);
                Vector.Widen(low, out Vector<uint> q0, out Vector<uint> q1);
                Vector.Widen(high, out Vector<uint> q2, out Vector<uint> q3);

                // Values are at most 255, so the signed conversion (a single instruction, unlike uint) is exact.
                Span<float> target = destination.Slice(i, bytesPerVector);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(q0)) / divisor).CopyTo(target);
                (Vector.ConvertToSingle(Vector.AsVectorInt32(q1)) / divisor).CopyTo(target.Slice(floatsPerVector));
                (Vector.ConvertToSingle(Vector.AsVectorInt32(q2)) / divisor).CopyTo(target.Slice(2 * floatsPerVector));
                (Vector.ConvertToSingle(Vector.AsVectorInt32(q3)) / divisor).CopyTo(target.Slice(3 * floatsPerVector));
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i] / MaxPixelValue;
        }
    }
}
