using System.Buffers.Binary;
using System.Text;

namespace Ml.BatchNorm.Runtime;

/// <summary>
/// A read-only view of a 64-bit little-endian ELF file (the only kind TorchSharp ships for linux-x64):
/// its section headers and the symbol-version requirements in <c>.gnu.version_r</c>. Every offset is
/// checked against the file length, so a truncated or damaged file raises <see cref="ElfFormatException"/>
/// instead of reading out of bounds.
/// </summary>
internal sealed class ElfImage
{
    private const int IdentLength = 16;
    private const int HeaderLength = 64;
    private const int SectionHeaderLength = 64;
    private const int VerneedLength = 16;
    private const int VernauxLength = 16;
    private const byte ElfClass64 = 2;
    private const byte ElfDataLittleEndian = 1;
    private const uint SectionTypeVerneed = 0x6ffffffe;
    private const uint SectionTypeStringTable = 3;

    private readonly byte[] bytes;
    private readonly string name;

    private ElfImage(byte[] bytes, string name, IReadOnlyList<ElfSection> sections)
    {
        this.bytes = bytes;
        this.name = name;
        Sections = sections;
    }

    /// <summary>The section headers, in file order.</summary>
    public IReadOnlyList<ElfSection> Sections { get; }

    /// <summary>Parses the ELF header and section headers of <paramref name="bytes"/> (not copied, never written).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="name">The file's path or name, for messages.</param>
    public static ElfImage Parse(byte[] bytes, string name)
    {
        if (bytes.Length < 4 || bytes[0] != 0x7f || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
        {
            throw new ElfFormatException($"{name} is not an ELF file (it does not start with the bytes 7F 'E' 'L' 'F').", isForeign: true);
        }

        if (bytes.Length < HeaderLength)
        {
            throw new ElfFormatException($"{name} is truncated: {bytes.Length} bytes, shorter than the {HeaderLength}-byte ELF header.");
        }

        if (bytes[4] != ElfClass64 || bytes[5] != ElfDataLittleEndian)
        {
            throw new ElfFormatException(
                $"{name} is an ELF file of class {bytes[4]} and data encoding {bytes[5]}; expected 64-bit little-endian (2, 1).",
                isForeign: true);
        }

        var header = bytes.AsSpan(0, HeaderLength);
        ulong sectionTableOffset = BinaryPrimitives.ReadUInt64LittleEndian(header[40..]);
        int sectionHeaderLength = BinaryPrimitives.ReadUInt16LittleEndian(header[58..]);
        long sectionCount = BinaryPrimitives.ReadUInt16LittleEndian(header[60..]);
        if (sectionTableOffset == 0)
        {
            return new ElfImage(bytes, name, []);
        }

        if (sectionHeaderLength != SectionHeaderLength)
        {
            throw new ElfFormatException($"{name}: section headers are {sectionHeaderLength} bytes long; a 64-bit ELF file has {SectionHeaderLength}.");
        }

        CheckRange(bytes, name, sectionTableOffset, SectionHeaderLength, "the first section header");
        if (sectionCount == 0)
        {
            // More than 0xff00 sections: the real count is in the first section header's sh_size.
            sectionCount = checked((long)BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan((int)sectionTableOffset + 32)));
        }

        CheckRange(bytes, name, sectionTableOffset, (ulong)sectionCount * SectionHeaderLength, "the section header table");
        var sections = new ElfSection[sectionCount];
        for (int i = 0; i < sectionCount; i++)
        {
            var entry = bytes.AsSpan((int)sectionTableOffset + i * SectionHeaderLength, SectionHeaderLength);
            sections[i] = new ElfSection(
                Index: i,
                Type: BinaryPrimitives.ReadUInt32LittleEndian(entry[4..]),
                Offset: BinaryPrimitives.ReadUInt64LittleEndian(entry[24..]),
                Size: BinaryPrimitives.ReadUInt64LittleEndian(entry[32..]),
                Link: BinaryPrimitives.ReadUInt32LittleEndian(entry[40..]),
                Info: BinaryPrimitives.ReadUInt32LittleEndian(entry[44..]));
        }

        return new ElfImage(bytes, name, sections);
    }

    /// <summary>
    /// Every <c>Elf64_Vernaux</c> entry of the <c>SHT_GNU_verneed</c> section, with the names resolved in
    /// the string table that section links to; empty when the file has no version requirements.
    /// </summary>
    public IReadOnlyList<ElfVersionRequirement> ReadVersionRequirements()
    {
        var requirements = new List<ElfVersionRequirement>();
        foreach (var section in Sections.Where(s => s.Type == SectionTypeVerneed))
        {
            CheckRange(bytes, name, section.Offset, section.Size, $"section {section.Index} (.gnu.version_r)");
            if (section.Link >= Sections.Count || Sections[(int)section.Link].Type != SectionTypeStringTable)
            {
                throw new ElfFormatException($"{name}: .gnu.version_r links to section {section.Link}, which is not a string table.");
            }

            var strings = Sections[(int)section.Link];
            CheckRange(bytes, name, strings.Offset, strings.Size, $"string table section {strings.Index}");
            ReadVerneedChain(section, strings, requirements);
        }

        return requirements;
    }

    private void ReadVerneedChain(ElfSection section, ElfSection strings, List<ElfVersionRequirement> requirements)
    {
        // sh_info holds the number of Verneed entries; the chain is walked through vn_next and every
        // entry must stay inside the section, so a corrupt link cannot loop or escape.
        ulong entryOffset = 0;
        for (uint n = 0; n < section.Info; n++)
        {
            var verneed = Slice(section, entryOffset, VerneedLength, "an Elf64_Verneed entry");
            int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(verneed[2..]);
            string file = ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(verneed[4..]));
            ulong auxOffset = entryOffset + BinaryPrimitives.ReadUInt32LittleEndian(verneed[8..]);
            for (int a = 0; a < auxCount; a++)
            {
                var vernaux = Slice(section, auxOffset, VernauxLength, "an Elf64_Vernaux entry");
                ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(vernaux[4..]);
                string version = ReadString(strings, BinaryPrimitives.ReadUInt32LittleEndian(vernaux[8..]));
                requirements.Add(new ElfVersionRequirement(file, version, flags, (long)(section.Offset + auxOffset + 4)));
                uint nextAux = BinaryPrimitives.ReadUInt32LittleEndian(vernaux[12..]);
                if (nextAux == 0)
                {
                    break;
                }

                auxOffset += nextAux;
            }

            uint next = BinaryPrimitives.ReadUInt32LittleEndian(verneed[12..]);
            if (next == 0)
            {
                break;
            }

            entryOffset += next;
        }
    }

    private ReadOnlySpan<byte> Slice(ElfSection section, ulong offsetInSection, int length, string what)
    {
        if (offsetInSection > section.Size || (ulong)length > section.Size - offsetInSection)
        {
            throw new ElfFormatException($"{name}: {what} at offset {offsetInSection} lies outside .gnu.version_r ({section.Size} bytes).");
        }

        return bytes.AsSpan((int)(section.Offset + offsetInSection), length);
    }

    private string ReadString(ElfSection strings, uint offset)
    {
        if (offset >= strings.Size)
        {
            throw new ElfFormatException($"{name}: string offset {offset} lies outside the string table ({strings.Size} bytes).");
        }

        var rest = bytes.AsSpan((int)(strings.Offset + offset), (int)(strings.Size - offset));
        int end = rest.IndexOf((byte)0);
        if (end < 0)
        {
            throw new ElfFormatException($"{name}: the string at offset {offset} of the string table is not terminated.");
        }

        return Encoding.ASCII.GetString(rest[..end]);
    }

    private static void CheckRange(byte[] bytes, string name, ulong offset, ulong length, string what)
    {
        if (offset > (ulong)bytes.Length || length > (ulong)bytes.Length - offset)
        {
            throw new ElfFormatException($"{name} is truncated or damaged: {what} (offset {offset}, {length} bytes) lies beyond the end of the file ({bytes.Length} bytes).");
        }
    }
}
