using System.Buffers.Binary;
using System.IO.Compression;

namespace Ml.BatchNorm.Data;

/// <summary>
/// One IDX file of unsigned bytes (the format of the MNIST distribution), raw or gzip-compressed,
/// read whole into memory and checked against its header.
/// </summary>
internal sealed class IdxFile
{
    private const byte UnsignedByteType = 0x08;
    private const int MagicLength = 4;
    private const int DimensionLength = 4;
    private const int CopyChunkLength = 1 << 16;

    private IdxFile(string path, int[] dimensions, byte[] data)
    {
        Path = path;
        Dimensions = dimensions;
        Data = data;
    }

    /// <summary>The full path of the file, for messages.</summary>
    public string Path { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public int[] Dimensions { get; }

    /// <summary>The payload after the header: the product of <see cref="Dimensions"/> bytes.</summary>
    public byte[] Data { get; }

    /// <summary>The magic number of an IDX file of unsigned bytes with <paramref name="rank"/> dimensions.</summary>
    public static uint MagicFor(int rank) => (uint)(UnsignedByteType << 8 | rank);

    /// <summary>
    /// Reads an IDX file of unsigned bytes with <paramref name="rank"/> dimensions, decompressing it if it
    /// starts with the gzip magic bytes (the extension is not trusted).
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="rank">The expected number of dimensions (3 for images, 1 for labels).</param>
    /// <param name="kind">What the file holds ("image", "label"), for messages.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The content is not such an IDX file; the message names the file.</exception>
    public static IdxFile Read(string path, int rank, string kind)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX {kind} file not found: {path}", path);
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyChunkLength, FileOptions.SequentialScan);
        bool compressed = StartsWithGzipMagic(file);
        using Stream content = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
        var reader = new ContentReader(path, content, compressed);

        // The header is read first so the payload can go straight into one exactly sized array.
        Span<byte> magicBytes = stackalloc byte[MagicLength];
        reader.ReadHeader(magicBytes, MagicLength, "the 4-byte IDX magic number");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        CheckMagic(path, magic, rank, kind);

        int headerLength = MagicLength + rank * DimensionLength;
        Span<byte> dimensionBytes = stackalloc byte[rank * DimensionLength];
        reader.ReadHeader(dimensionBytes, headerLength, $"the {headerLength}-byte header of a rank-{rank} IDX file");

        var dimensions = new int[rank];
        long payloadLength = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes.Slice(d * DimensionLength));
            if (size == 0 || size > int.MaxValue)
            {
                throw new InvalidDataException(
                    $"{path}: dimension {d} is {size}, expected a positive size (big-endian 32-bit) for every dimension of the {kind} file.");
            }

            dimensions[d] = (int)size;
            payloadLength *= size;
            if (payloadLength > Array.MaxLength)
            {
                throw new InvalidDataException(
                    $"{path}: dimensions {string.Join('x', dimensions.Take(d + 1))} declare more than {Array.MaxLength} bytes of data, more than one array can hold.");
            }
        }

        var data = GC.AllocateUninitializedArray<byte>((int)payloadLength);
        int payloadRead = reader.ReadUpTo(data);
        long trailing = payloadRead == data.Length ? reader.CountRemaining() : 0;
        if (payloadRead < data.Length || trailing > 0)
        {
            long expected = headerLength + payloadLength;
            long actual = headerLength + payloadRead + trailing;
            string problem = payloadRead < data.Length ? "is truncated" : "has trailing data";
            throw new InvalidDataException(
                $"{path}: {problem}: it holds {actual} bytes{reader.DecompressedNote} but dimensions {string.Join('x', dimensions)} " +
                $"need exactly {expected} ({headerLength}-byte header + {payloadLength} bytes of data).");
        }

        return new IdxFile(path, dimensions, data);
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> start = stackalloc byte[2];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && start[0] == 0x1f && start[1] == 0x8b;
    }

    private static void CheckMagic(string path, uint magic, int rank, string kind)
    {
        uint expected = MagicFor(rank);
        if (magic == expected)
        {
            return;
        }

        // Name the specific mismatch: a wrong rank usually means the image and label files were swapped.
        string detail = (magic >> 16) != 0
            ? "its first two bytes must be zero"
            : (byte)(magic >> 8) != UnsignedByteType
                ? $"element type 0x{(byte)(magic >> 8):X2} is not unsigned byte (0x{UnsignedByteType:X2})"
                : $"rank {(byte)magic} is not {rank}";
        throw new InvalidDataException(
            $"{path}: magic number 0x{magic:X8} is not an IDX {kind} file: {detail} (expected 0x{expected:X8}, unsigned bytes of rank {rank}).");
    }

    /// <summary>Reads from the (possibly decompressing) stream, turning corrupt-gzip errors into ones that name the file.</summary>
    private readonly struct ContentReader(string path, Stream content, bool compressed)
    {
        public string DecompressedNote => compressed ? " after gzip decompression" : "";

        public void ReadHeader(Span<byte> destination, int headerLengthSoFar, string what)
        {
            int read = ReadUpTo(destination);
            if (read < destination.Length)
            {
                long actual = headerLengthSoFar - destination.Length + read;
                throw new InvalidDataException(
                    $"{path}: is truncated: it holds {actual} bytes{DecompressedNote}, too short for {what}.");
            }
        }

        public int ReadUpTo(Span<byte> destination)
        {
            try
            {
                return content.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
            }
            catch (InvalidDataException e)
            {
                throw new InvalidDataException($"{path}: gzip data is corrupt: {e.Message}", e);
            }
        }

        public long CountRemaining()
        {
            if (!compressed)
            {
                return content.Length - content.Position;
            }

            var scratch = new byte[CopyChunkLength];
            long total = 0;
            int read;
            while ((read = ReadUpTo(scratch)) > 0)
            {
                total += read;
            }

            return total;
        }
    }
}
