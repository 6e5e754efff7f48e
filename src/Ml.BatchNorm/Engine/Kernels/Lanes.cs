using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Splits a row of floats into its even and odd columns and joins them back: the horizontal half of a 2x2
/// pooling window in vector registers.
/// </summary>
internal static class Lanes
{
    private static readonly Vector512<int> Even512 = Vector512.Create(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
    private static readonly Vector512<int> Odd512 = Vector512.Create(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
    private static readonly Vector512<int> Low512 = Vector512.Create(0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    private static readonly Vector512<int> High512 = Vector512.Create(8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);

    /// <summary>32 consecutive floats at <paramref name="p"/> as (columns 0, 2, ..., 30) and (1, 3, ..., 31).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe (Vector512<float> Even, Vector512<float> Odd) Split512(float* p)
    {
        var a = Vector512.Load(p);
        var b = Vector512.Load(p + 16);
        return (Avx512F.PermuteVar16x32x2(a, Even512, b), Avx512F.PermuteVar16x32x2(a, Odd512, b));
    }

    /// <summary>Stores even and odd columns interleaved as 32 consecutive floats at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Join512(Vector512<float> even, Vector512<float> odd, float* p)
    {
        Avx512F.PermuteVar16x32x2(even, Low512, odd).Store(p);
        Avx512F.PermuteVar16x32x2(even, High512, odd).Store(p + 16);
    }

    /// <summary>16 consecutive floats at <paramref name="p"/> as (columns 0, 2, ..., 14) and (1, 3, ..., 15).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe (Vector256<float> Even, Vector256<float> Odd) Split256(float* p)
    {
        var a = Vector256.Load(p);
        var b = Vector256.Load(p + 8);

        // Within each 128-bit half: a0 a2 b0 b2 | a4 a6 b4 b6; then the 64-bit quarters reordered to a0 a2 a4 a6 b0 b2 b4 b6.
        var even = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b10_00_10_00).AsDouble(), 0b11_01_10_00).AsSingle();
        var odd = Avx2.Permute4x64(Avx.Shuffle(a, b, 0b11_01_11_01).AsDouble(), 0b11_01_10_00).AsSingle();
        return (even, odd);
    }

    /// <summary>Stores even and odd columns interleaved as 16 consecutive floats at <paramref name="p"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static unsafe void Join256(Vector256<float> even, Vector256<float> odd, float* p)
    {
        var e = Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(); // e0 e1 e4 e5 | e2 e3 e6 e7
        var o = Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle();
        Avx.UnpackLow(e, o).Store(p);
        Avx.UnpackHigh(e, o).Store(p + 8);
    }
}
