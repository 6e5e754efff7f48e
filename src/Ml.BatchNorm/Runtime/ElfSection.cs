namespace Ml.BatchNorm.Runtime;

/// <summary>The fields of an <c>Elf64_Shdr</c> section header that version patching needs.</summary>
/// <param name="Index">The section's index in the section header table.</param>
/// <param name="Type">sh_type.</param>
/// <param name="Offset">sh_offset: where the section's bytes start in the file.</param>
/// <param name="Size">sh_size in bytes.</param>
/// <param name="Link">sh_link: for <c>.gnu.version_r</c>, the index of its string table.</param>
/// <param name="Info">sh_info: for <c>.gnu.version_r</c>, the number of <c>Elf64_Verneed</c> entries.</param>
internal sealed record ElfSection(int Index, uint Type, ulong Offset, ulong Size, uint Link, uint Info);
