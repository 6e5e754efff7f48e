using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ml.BatchNorm.Files;

/// <summary>
/// The container for model files and training checkpoints: one zip file holding <c>manifest.json</c> plus named
/// binary entries. The manifest says what kind of file it is (<c>format</c>), which revision of that format wrote
/// it (<c>formatVersion</c>), the SHA-256 and length of every entry, and a format-specific JSON <c>body</c>.
/// </summary>
/// <remarks>
/// A zip keeps the file a single artefact that ordinary tools can open and inspect, while the manifest's checksums
/// catch damage that the zip format itself would let through. Reading verifies every listed entry up front, so a
/// damaged file fails at load time with a clear message instead of part-way through restoring a model.
/// </remarks>
internal sealed class ModelArchive
{
    /// <summary>The name of the zip entry that describes the archive.</summary>
    public const string ManifestEntryName = "manifest.json";

    private static readonly JsonSerializerOptions IndentedJson = new() { WriteIndented = true };

    private readonly Dictionary<string, byte[]> _entries;

    private ModelArchive(string path, string format, int formatVersion, JsonObject body, Dictionary<string, byte[]> entries)
    {
        Path = path;
        Format = format;
        FormatVersion = formatVersion;
        Body = body;
        _entries = entries;
    }

    /// <summary>The file this archive was read from.</summary>
    public string Path { get; }

    /// <summary>The kind of file, for example <c>mlbn-checkpoint</c>.</summary>
    public string Format { get; }

    /// <summary>The revision of <see cref="Format"/> that wrote the file.</summary>
    public int FormatVersion { get; }

    /// <summary>The format-specific description stored in the manifest.</summary>
    public JsonObject Body { get; }

    /// <summary>The names of the entries listed in the manifest.</summary>
    public IReadOnlyCollection<string> EntryNames => _entries.Keys;

    /// <summary>Whether the manifest lists an entry named <paramref name="name"/>.</summary>
    public bool HasEntry(string name) => _entries.ContainsKey(name);

    /// <summary>
    /// The content of entry <paramref name="name"/>, already checked against the manifest's length and SHA-256.
    /// The array is shared, not copied: callers must not modify it.
    /// </summary>
    /// <exception cref="ModelFileException">The manifest lists no such entry.</exception>
    public byte[] ReadEntry(string name) =>
        _entries.TryGetValue(name, out var content)
            ? content
            : throw new ModelFileException(Path, $"it has no entry '{name}'; a '{Format}' file (format {FormatVersion}) is expected to have one.");

    /// <summary>
    /// Writes an archive to <paramref name="path"/> atomically (see <see cref="AtomicFile"/>): a failure leaves any
    /// existing file untouched. Entries are stored uncompressed so that loading large weights is a plain copy.
    /// </summary>
    /// <param name="path">The file to create or replace.</param>
    /// <param name="format">The kind of file, checked by <see cref="Read"/>.</param>
    /// <param name="formatVersion">The revision of the format, 1 or more.</param>
    /// <param name="body">The format-specific description; copied into the manifest.</param>
    /// <param name="entries">The binary entries by name.</param>
    public static void Write(string path, string format, int formatVersion, JsonObject body, IReadOnlyDictionary<string, byte[]> entries)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(format);
        ArgumentOutOfRangeException.ThrowIfLessThan(formatVersion, 1);
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(entries);
        foreach (var name in entries.Keys)
        {
            if (string.IsNullOrEmpty(name) || name == ManifestEntryName)
                throw new ArgumentException($"'{name}' cannot be used as an entry name: it is empty or reserved for the manifest.", nameof(entries));
        }

        // Sorted so that the same content always produces the same layout.
        var ordered = entries.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToList();
        var createdUtc = DateTime.UtcNow;

        var listing = new JsonObject();
        foreach (var (name, content) in ordered)
        {
            listing[name] = new JsonObject
            {
                ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(content)),
                ["length"] = content.LongLength,
            };
        }

        var manifest = new JsonObject
        {
            ["format"] = format,
            ["formatVersion"] = formatVersion,
            ["createdUtc"] = createdUtc.ToString("O"),
            ["entries"] = listing,
            // A JsonNode can have only one parent; cloning also keeps the caller's object unchanged.
            ["body"] = body.DeepClone(),
        };
        var manifestBytes = JsonSerializer.SerializeToUtf8Bytes(manifest, IndentedJson);

        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            // The manifest goes first so that a reader (or a person with unzip -l) meets the description before the data.
            AddEntry(zip, ManifestEntryName, manifestBytes, CompressionLevel.Optimal, createdUtc);
            foreach (var (name, content) in ordered)
                AddEntry(zip, name, content, CompressionLevel.NoCompression, createdUtc);
        });
    }

    /// <summary>
    /// Reads the archive at <paramref name="path"/> and verifies it: it must be a zip with a manifest whose format is
    /// <paramref name="expectedFormat"/>, whose version is at most <paramref name="maxSupportedVersion"/>, and whose
    /// entries are all present with the recorded length and SHA-256.
    /// </summary>
    /// <exception cref="ModelFileException">Any of the above does not hold; the message names the file and the reason.</exception>
    public static ModelArchive Read(string path, string expectedFormat, int maxSupportedVersion)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentException.ThrowIfNullOrEmpty(expectedFormat);

        if (Directory.Exists(path))
            throw new ModelFileException(path, $"it is a folder; expected a '{expectedFormat}' file.");
        if (!File.Exists(path))
            throw new ModelFileException(path, "the file does not exist.");

        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
            CheckZipSignature(stream, path, expectedFormat);
            using var zip = new ZipArchive(stream, ZipArchiveMode.Read);
            return ReadVerified(zip, path, expectedFormat, maxSupportedVersion);
        }
        catch (InvalidDataException e)
        {
            // What the zip reader reports for a truncated file or a damaged directory.
            throw new ModelFileException(path, $"the file is truncated or damaged: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ModelFileException(path, $"the file cannot be read: {e.Message}", e);
        }
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content, CompressionLevel level, DateTime timestamp)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = timestamp;
        using var entryStream = entry.Open();
        entryStream.Write(content);
    }

    private static void CheckZipSignature(FileStream stream, string path, string expectedFormat)
    {
        Span<byte> magic = stackalloc byte[4];
        var got = stream.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
        stream.Position = 0;
        if (got == 0)
            throw new ModelFileException(path, $"the file is empty; expected a '{expectedFormat}' file.");
        // Every archive this class writes starts with a local file header ("PK\x03\x04"); checking first gives a
        // clear "not this kind of file" instead of the zip reader's complaint about a missing directory record.
        if (got < 4 || magic[0] != (byte)'P' || magic[1] != (byte)'K' || magic[2] != 3 || magic[3] != 4)
        {
            throw new ModelFileException(path,
                $"it is not a '{expectedFormat}' file (not a zip archive; it starts with bytes {Convert.ToHexString(magic[..got])}).");
        }
    }

    private static ModelArchive ReadVerified(ZipArchive zip, string path, string expectedFormat, int maxSupportedVersion)
    {
        var manifestEntry = zip.GetEntry(ManifestEntryName)
            ?? throw new ModelFileException(path, $"it is a zip archive without {ManifestEntryName}; expected a '{expectedFormat}' file.");

        JsonObject manifest;
        try
        {
            using var manifestStream = manifestEntry.Open();
            manifest = JsonNode.Parse(manifestStream) as JsonObject
                ?? throw new ModelFileException(path, $"{ManifestEntryName} is not a JSON object.");
        }
        catch (JsonException e)
        {
            throw new ModelFileException(path, $"{ManifestEntryName} is not valid JSON ({e.Message}).", e);
        }

        var format = GetString(manifest, "format", path);
        if (format != expectedFormat)
            throw new ModelFileException(path, $"it is a '{format}' file, not a '{expectedFormat}' file.");

        var version = GetInt(manifest, "formatVersion", path);
        if (version < 1)
            throw new ModelFileException(path, $"{ManifestEntryName} has formatVersion {version}; expected 1 or more.");
        if (version > maxSupportedVersion)
            throw new ModelFileException(path, $"it was written by a newer version (format {version}; this build reads up to {maxSupportedVersion}).");

        if (manifest["body"] is not JsonObject body)
            throw new ModelFileException(path, $"{ManifestEntryName} has no 'body' object.");
        if (manifest["entries"] is not JsonObject listing)
            throw new ModelFileException(path, $"{ManifestEntryName} has no 'entries' object.");

        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var (name, node) in listing)
            entries[name] = ReadListedEntry(zip, name, node, path);

        // Detach so the body outlives the manifest and callers can edit it freely.
        manifest.Remove("body");
        return new ModelArchive(path, format, version, body, entries);
    }

    private static byte[] ReadListedEntry(ZipArchive zip, string name, JsonNode? description, string path)
    {
        if (description is not JsonObject d
            || d["sha256"] is not JsonValue shaNode || !shaNode.TryGetValue<string>(out var expectedHash)
            || d["length"] is not JsonValue lengthNode || !lengthNode.TryGetValue<long>(out var expectedLength)
            || expectedLength < 0)
        {
            throw new ModelFileException(path, $"{ManifestEntryName} describes entry {name} without a 'sha256' string and a non-negative 'length'.");
        }

        var entry = zip.GetEntry(name)
            ?? throw new ModelFileException(path, $"entry {name} is listed in {ManifestEntryName} but missing from the archive.");

        // Compare the sizes before allocating, so a damaged listing cannot request an absurd buffer.
        if (entry.Length != expectedLength)
            throw new ModelFileException(path, $"entry {name} is corrupted: length mismatch (manifest says {expectedLength} bytes, archive holds {entry.Length}).");
        if (expectedLength > Array.MaxLength)
            throw new ModelFileException(path, $"entry {name} is {expectedLength} bytes, larger than can be loaded into memory.");

        var content = new byte[expectedLength];
        try
        {
            using var entryStream = entry.Open();
            var got = entryStream.ReadAtLeast(content, content.Length, throwOnEndOfStream: false);
            if (got < content.Length)
                throw new ModelFileException(path, $"entry {name} is corrupted: it ends after {got} of {expectedLength} bytes.");
        }
        catch (InvalidDataException e)
        {
            // The zip reader's own CRC check, or damaged compressed data.
            throw new ModelFileException(path, $"entry {name} is corrupted: {e.Message}", e);
        }

        var actualHash = Convert.ToHexStringLower(SHA256.HashData(content));
        if (!string.Equals(actualHash, expectedHash, StringComparison.OrdinalIgnoreCase))
            throw new ModelFileException(path, $"entry {name} is corrupted: checksum mismatch (manifest sha256 {expectedHash}, content sha256 {actualHash}).");
        return content;
    }

    private static string GetString(JsonObject manifest, string key, string path) =>
        manifest[key] is JsonValue v && v.TryGetValue<string>(out var s)
            ? s
            : throw new ModelFileException(path, $"{ManifestEntryName} has no '{key}' string.");

    private static int GetInt(JsonObject manifest, string key, string path) =>
        manifest[key] is JsonValue v && v.TryGetValue<int>(out var i)
            ? i
            : throw new ModelFileException(path, $"{ManifestEntryName} has no integer '{key}'.");
}
