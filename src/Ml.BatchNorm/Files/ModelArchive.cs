using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Ml.BatchNorm.Files;

/// <summary>
/// One zip holding manifest.json (format tag, version, checksums of the other entries, and a body
/// the caller defines) plus binary entries: the container of model files and checkpoints.
/// </summary>
internal sealed class ModelArchive
{
    private const string ManifestEntry = "manifest.json";
    private readonly Dictionary<string, byte[]> _entries;
    private readonly Dictionary<string, string> _checksums;

    private ModelArchive(string path, string format, int version, JsonObject body, Dictionary<string, byte[]> entries, Dictionary<string, string> checksums)
    {
        Path = path;
        Format = format;
        FormatVersion = version;
        Body = body;
        _entries = entries;
        _checksums = checksums;
    }

    public string Path { get; }

    public string Format { get; }

    public int FormatVersion { get; }

    public JsonObject Body { get; }

    public bool HasEntry(string name) => _entries.ContainsKey(name);

    /// <summary>The entry's bytes, verified against the manifest's checksum.</summary>
    public byte[] ReadEntry(string name)
    {
        if (!_entries.TryGetValue(name, out var bytes))
        {
            throw new ModelFileException(Path, $"entry {name} is missing.");
        }

        if (Sha256(bytes) != _checksums[name])
        {
            throw new ModelFileException(Path, $"entry {name} is corrupted: checksum mismatch.");
        }

        return bytes;
    }

    public static void Write(string path, string format, int formatVersion, JsonObject body, IReadOnlyDictionary<string, byte[]> entries)
    {
        var listed = new JsonObject();
        foreach (var (name, bytes) in entries)
        {
            listed[name] = new JsonObject { ["sha256"] = Sha256(bytes), ["length"] = bytes.LongLength };
        }

        var manifest = new JsonObject
        {
            ["format"] = format,
            ["formatVersion"] = formatVersion,
            ["createdUtc"] = DateTime.UtcNow.ToString("O"),
            ["entries"] = listed,
            ["body"] = body.DeepClone(),
        };
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            using (var m = zip.CreateEntry(ManifestEntry, CompressionLevel.Optimal).Open())
            {
                JsonSerializer.Serialize(m, manifest, new JsonSerializerOptions { WriteIndented = true });
            }

            foreach (var (name, bytes) in entries)
            {
                // Weights barely compress; storing them keeps loading a plain copy.
                using var e = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
                e.Write(bytes);
            }
        });
    }

    public static ModelArchive Read(string path, string expectedFormat, int maxSupportedVersion)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException(path, "the file does not exist.");
        }

        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifestEntry = zip.GetEntry(ManifestEntry)
                ?? throw new ModelFileException(path, $"not a Ml.BatchNorm file: the zip has no {ManifestEntry}.");
            JsonObject manifest;
            using (var m = manifestEntry.Open())
            {
                try
                {
                    manifest = JsonNode.Parse(m)?.AsObject() ?? throw new JsonException("empty");
                }
                catch (Exception e) when (e is JsonException or InvalidOperationException)
                {
                    throw new ModelFileException(path, $"{ManifestEntry} is not valid JSON ({e.Message}).", e);
                }
            }

            string format = Read<string>(manifest, "format", path);
            if (format != expectedFormat)
            {
                throw new ModelFileException(path, $"is a '{format}' file, not a '{expectedFormat}'.");
            }

            int version = Read<int>(manifest, "formatVersion", path);
            if (version > maxSupportedVersion)
            {
                throw new ModelFileException(path, $"was written by a newer version of Ml.BatchNorm (format {version}; this build reads up to {maxSupportedVersion}).");
            }

            var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            var checksums = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, info) in manifest["entries"]?.AsObject() ?? throw new ModelFileException(path, $"{ManifestEntry} lists no entries."))
            {
                var entry = zip.GetEntry(name) ?? throw new ModelFileException(path, $"entry {name} is missing.");
                long length = info?["length"]?.GetValue<long>() ?? -1;
                if (entry.Length != length)
                {
                    throw new ModelFileException(path, $"entry {name} is corrupted: {entry.Length} bytes where the manifest lists {length}.");
                }

                var bytes = new byte[entry.Length];
                using (var s = entry.Open())
                {
                    s.ReadExactly(bytes);
                }

                entries[name] = bytes;
                checksums[name] = info?["sha256"]?.GetValue<string>() ?? "";
            }

            var body = manifest["body"]?.AsObject() ?? throw new ModelFileException(path, $"{ManifestEntry} has no body.");
            return new ModelArchive(path, format, version, body, entries, checksums);
        }
        catch (InvalidDataException e)
        {
            throw new ModelFileException(path, $"not a Ml.BatchNorm file, or truncated or corrupted ({e.Message}).", e);
        }
        catch (EndOfStreamException e)
        {
            throw new ModelFileException(path, "the file is truncated.", e);
        }
    }

    private static T Read<T>(JsonObject manifest, string key, string path)
    {
        try
        {
            return manifest[key]!.GetValue<T>();
        }
        catch (Exception e) when (e is NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new ModelFileException(path, $"{ManifestEntry} has no valid '{key}'.", e);
        }
    }

    private static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
