namespace Ml.BatchNorm.Pipeline;

/// <summary>Data transforms: <c>ctx.Transforms</c>.</summary>
public sealed class TransformsCatalog
{
    internal TransformsCatalog()
    {
    }

    /// <summary>Type conversions: value-to-key and key-to-value mappings.</summary>
    public ConversionCatalog Conversion { get; } = new();
}
