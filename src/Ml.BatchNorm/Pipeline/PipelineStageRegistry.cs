namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// The explicit map from a stage's manifest tag to the factory that loads it, with the newest version each reads.
/// Adding a stage type means adding a line here: no reflection, no assembly-qualified names.
/// </summary>
internal static class PipelineStageRegistry
{
    private static readonly Dictionary<string, (int NewestVersion, Func<StageLoadContext, ITransformer> Load)> Factories = new(StringComparer.Ordinal)
    {
        [ValueToKeyMappingTransformer.Tag] = (ValueToKeyMappingTransformer.Version, ValueToKeyMappingTransformer.Load),
        [KeyToValueMappingTransformer.Tag] = (KeyToValueMappingTransformer.Version, KeyToValueMappingTransformer.Load),
        [BatchNormCnnTransformer.Tag] = (BatchNormCnnTransformer.Version, BatchNormCnnTransformer.Load),
        [NormalizingTransformer.Tag] = (NormalizingTransformer.Version, NormalizingTransformer.Load),
        [ColumnConcatenatingTransformer.Tag] = (ColumnConcatenatingTransformer.Version, ColumnConcatenatingTransformer.Load),
        [ColumnCopyingTransformer.Tag] = (ColumnCopyingTransformer.Version, ColumnCopyingTransformer.Load),
        [ColumnSelectingTransformer.Tag] = (ColumnSelectingTransformer.Version, ColumnSelectingTransformer.Load),
        [ImageLoadingTransformer.Tag] = (ImageLoadingTransformer.Version, ImageLoadingTransformer.Load),
        [ImageResizingTransformer.Tag] = (ImageResizingTransformer.Version, ImageResizingTransformer.Load),
        [ImageGrayscalingTransformer.Tag] = (ImageGrayscalingTransformer.Version, ImageGrayscalingTransformer.Load),
        [ImagePixelExtractingTransformer.Tag] = (ImagePixelExtractingTransformer.Version, ImagePixelExtractingTransformer.Load),
    };

    /// <summary>The tags this build can load, for error messages.</summary>
    public static IEnumerable<string> KnownTags => Factories.Keys.Order(StringComparer.Ordinal);

    public static bool TryGet(string tag, out int newestVersion, out Func<StageLoadContext, ITransformer> load)
    {
        if (Factories.TryGetValue(tag, out var entry))
        {
            (newestVersion, load) = entry;
            return true;
        }

        (newestVersion, load) = (0, null!);
        return false;
    }
}
