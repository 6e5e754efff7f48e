using System.Buffers.Binary;
using System.IO.Compression;

namespace Ml.BatchNorm.Data;

/// <summary>
/// An open IDX file of unsigned bytes (the format of the MNIST distribution), raw or gzip-compressed, whose
/// header has been checked; the payload is then read front to back, so a file never has to fit in memory.
/// Every error names the file and says what was expected.
/// </summary>
internal sealed class IdxReader : IDisposable
{
    private const byte UnsignedByteType = 0x08;
    private const int MagicLength = 4;
    private const int DimensionLength = 4;
    private const int CopyChunkLength = 1 << 16;

    private readonly FileStream _file;
    private readonly Stream _content;
    private readonly bool _compressed;
    private long _payloadRead;

    private IdxReader(string path, string kind, FileStream file, Stream content, bool compressed)
    {
        Path = path;
        Kind = kind;
        _file = file;
        _content = content;
        _compressed = compressed;
    }

    /// <summary>The full path of the file, for messages.</summary>
    public string Path { get; }

    /// <summary>What the file holds ("image", "label"), for messages.</summary>
    public string Kind { get; }

    /// <summary>The size of each dimension, outermost first.</summary>
    public int[] Dimensions { get; private set; } = [];

    /// <summary>The length of the header: the magic number and the dimensions.</summary>
    public int HeaderLength => MagicLength + Dimensions.Length * DimensionLength;

    /// <summary>The number of payload bytes the dimensions declare.</summary>
    public long PayloadLength { get; private set; }

    private string DecompressedNote => _compressed ? " after gzip decompression" : "";

    /// <summary>The magic number of an IDX file of unsigned bytes with <paramref name="rank"/> dimensions.</summary>
    public static uint MagicFor(int rank) => (uint)(UnsignedByteType << 8 | rank);

    /// <summary>
    /// Opens an IDX file of unsigned bytes with <paramref name="rank"/> dimensions and checks its header,
    /// decompressing it if it starts with the gzip magic bytes (the extension is not trusted).
    /// </summary>
    /// <param name="path">The file to read.</param>
    /// <param name="rank">The expected number of dimensions (3 for images, 1 for labels).</param>
    /// <param name="kind">What the file holds ("image", "label"), for messages.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The header is not that of such an IDX file; the message names the file.</exception>
    public static IdxReader Open(string path, int rank, string kind)
    {
        path = System.IO.Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"IDX {kind} file not found: {path}", path);
        }

        var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, CopyChunkLength, FileOptions.SequentialScan);
        IdxReader? reader = null;
        try
        {
            bool compressed = StartsWithGzipMagic(file);
            Stream content = compressed ? new GZipStream(file, CompressionMode.Decompress) : file;
            reader = new IdxReader(path, kind, file, content, compressed);
            reader.ReadHeader(rank);
            return reader;
        }
        catch
        {
            if (reader is null)
            {
                file.Dispose();
            }
            else
            {
                reader.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Fills <paramref name="destination"/> with the next payload bytes.
    /// </summary>
    /// <exception cref="InvalidDataException">The file ends first (the message gives its length and the declared one).</exception>
    public void ReadExactly(Span<byte> destination)
    {
        int read = ReadUpTo(destination);
        _payloadRead += read;
        if (read < destination.Length)
        {
            throw Mismatch("is truncated", HeaderLength + _payloadRead);
        }
    }

    /// <summary>Skips the rest of the payload, then checks that the file ends exactly there.</summary>
    /// <exception cref="InvalidDataException">The file is shorter or longer than its dimensions declare.</exception>
    public void SkipToEndAndCheckLength()
    {
        var scratch = new byte[CopyChunkLength];
        while (_payloadRead < PayloadLength)
        {
            ReadExactly(scratch.AsSpan(0, (int)Math.Min(scratch.Length, PayloadLength - _payloadRead)));
        }

        long trailing = CountRemaining(scratch);
        if (trailing > 0)
        {
            throw Mismatch("has trailing data", HeaderLength + PayloadLength + trailing);
        }
    }

    public void Dispose()
    {
        _content.Dispose();
        _file.Dispose();
    }

    private void ReadHeader(int rank)
    {
        Span<byte> magicBytes = stackalloc byte[MagicLength];
        ReadHeaderPart(magicBytes, MagicLength, "the 4-byte IDX magic number");
        uint magic = BinaryPrimitives.ReadUInt32BigEndian(magicBytes);
        CheckMagic(magic, rank);

        int headerLength = MagicLength + rank * DimensionLength;
        Span<byte> dimensionBytes = stackalloc byte[rank * DimensionLength];
        ReadHeaderPart(dimensionBytes, headerLength, $"the {headerLength}-byte header of a rank-{rank} IDX file");

        var dimensions = new int[rank];
        long payloadLength = 1;
        for (int d = 0; d < rank; d++)
        {
            uint size = BinaryPrimitives.ReadUInt32BigEndian(dimensionBytes.Slice(d * DimensionLength));
            if (size == 0 || size > int.MaxValue)
            {
                throw new InvalidDataException(
                    $"{Path}: dimension {d} is {size}, expected a positive size (big-endian 32-bit) for every dimension of the {Kind} file.");
            }

            dimensions[d] = (int)size;
            payloadLength *= size;
            if (payloadLength > Array.MaxLength)
            {
                throw new InvalidDataException(
                    $"{Path}: dimensions {string.Join('x', dimensions.Take(d + 1))} declare more than {Array.MaxLength} bytes of data, more than one array can hold.");
            }
        }

        Dimensions = dimensions;
        PayloadLength = payloadLength;
    }

    private void CheckMagic(uint magic, int rank)
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
            $"{Path}: magic number 0x{magic:X8} is not an IDX {Kind} file: {detail} (expected 0x{expected:X8}, unsigned bytes of rank {rank}).");
    }

    private void ReadHeaderPart(Span<byte> destination, int headerLengthSoFar, string what)
    {
        int read = ReadUpTo(destination);
        if (read < destination.Length)
        {
            long actual = headerLengthSoFar - destination.Length + read;
            throw new InvalidDataException(
                $"{Path}: is truncated: it holds {actual} bytes{DecompressedNote}, too short for {what}.");
        }
    }

    private InvalidDataException Mismatch(string problem, long actualLength) =>
        new($"{Path}: {problem}: it holds {actualLength} bytes{DecompressedNote} but dimensions {string.Join('x', Dimensions)} " +
            $"need exactly {HeaderLength + PayloadLength} ({HeaderLength}-byte header + {PayloadLength} bytes of data).");

    /// <summary>Reads from the (possibly decompressing) stream, turning corrupt-gzip errors into ones that name the file.</summary>
    private int ReadUpTo(Span<byte> destination)
    {
        try
        {
            return _content.ReadAtLeast(destination, destination.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{Path}: gzip data is corrupt: {e.Message}", e);
        }
    }

    private long CountRemaining(byte[] scratch)
    {
        if (!_compressed)
        {
            return _content.Length - _content.Position;
        }

        long total = 0;
        int read;
        while ((read = ReadUpTo(scratch)) > 0)
        {
            total += read;
        }

        return total;
    }

    private static bool StartsWithGzipMagic(FileStream file)
    {
        Span<byte> start = stackalloc byte[2];
        int read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        file.Position = 0;
        return read == 2 && start[0] == 0x1f && start[1] == 0x8b;
    }
}
