namespace Ml.BatchNorm.Data;

/// <summary>
/// One IDX file of unsigned bytes (the format of the MNIST distribution), raw or gzip-compressed,
/// read whole into memory and checked against its header.
/// </summary>
internal sealed class IdxFile
{
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
        using var reader = IdxReader.Open(path, rank, kind);

        // The header is read first so the payload can go straight into one exactly sized array.
        var data = GC.AllocateUninitializedArray<byte>((int)reader.PayloadLength);
        reader.ReadExactly(data);
        reader.SkipToEndAndCheckLength();
        return new IdxFile(reader.Path, reader.Dimensions, data);
    }
}
