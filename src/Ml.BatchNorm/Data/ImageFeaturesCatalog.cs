using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Transforms.Image;

namespace Ml.BatchNorm;

/// <summary>
/// Image files in ML.NET pipelines: a view of image paths, and the chain of ML.NET ImageAnalytics transforms
/// that turns each file into the grey feature vector an IDX row gives (<c>byte / 255f</c>, row-major).
/// </summary>
public static class ImageFeaturesCatalog
{
    /// <summary>The default name of the column of image paths.</summary>
    public const string DefaultImagePathColumnName = "ImagePath";

    /// <summary>The file extensions read as images (lower case, with the dot): what ImageAnalytics decodes.</summary>
    public static IReadOnlyList<string> ImageFileExtensions { get; } = [".png", ".jpg", ".jpeg", ".bmp"];

    /// <summary>
    /// A view with one text column of full image paths: <paramref name="fileOrFolder"/> itself when it is an image
    /// file, or every image file directly inside it (by extension, sorted by name) when it is a folder.
    /// </summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="fileOrFolder">A PNG, JPEG or BMP file, or a folder of them (other files in the folder are ignored).</param>
    /// <param name="outputColumnName">The name of the path column.</param>
    /// <exception cref="FileNotFoundException">The path is neither a file nor a folder.</exception>
    /// <exception cref="ArgumentException">The file's extension is not one of <see cref="ImageFileExtensions"/>, or the folder holds no image file.</exception>
    public static IDataView LoadFromImageFiles(this DataOperationsCatalog catalog, string fileOrFolder, string outputColumnName = DefaultImagePathColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(fileOrFolder);
        string path = Path.GetFullPath(fileOrFolder);
        if (!Directory.Exists(path))
        {
            return catalog.LoadFromImageFiles([path], outputColumnName);
        }

        string[] files = Directory.EnumerateFiles(path)
            .Where(HasImageExtension)
            .Order(StringComparer.Ordinal)
            .ToArray();
        if (files.Length == 0)
        {
            throw new ArgumentException(
                $"Folder {path} holds no image file; expected files ending in {string.Join(", ", ImageFileExtensions)}.", nameof(fileOrFolder));
        }

        return catalog.LoadFromImageFiles(files, outputColumnName);
    }

    /// <summary>A view with one text column holding the full path of each of <paramref name="files"/>, in order.</summary>
    /// <param name="catalog">The data catalog of an <see cref="MLContext"/>.</param>
    /// <param name="files">PNG, JPEG or BMP files; at least one.</param>
    /// <param name="outputColumnName">The name of the path column.</param>
    /// <exception cref="FileNotFoundException">A file does not exist.</exception>
    /// <exception cref="ArgumentException">A file's extension is not one of <see cref="ImageFileExtensions"/>, or no file is given.</exception>
    public static IDataView LoadFromImageFiles(this DataOperationsCatalog catalog, IEnumerable<string> files, string outputColumnName = DefaultImagePathColumnName)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(files);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        var rows = new List<ImagePathRow>();
        foreach (string file in files)
        {
            string path = Path.GetFullPath(file);
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"Image file not found: {path}", path);
            }

            if (!HasImageExtension(path))
            {
                throw new ArgumentException(
                    $"{path}: extension '{Path.GetExtension(path)}' is not an image format read here; expected one of {string.Join(", ", ImageFileExtensions)}.",
                    nameof(files));
            }

            rows.Add(new ImagePathRow { ImagePath = path });
        }

        if (rows.Count == 0)
        {
            throw new ArgumentException("No image file was given; expected at least one.", nameof(files));
        }

        var schema = SchemaDefinition.Create(typeof(ImagePathRow));
        schema[0].ColumnName = outputColumnName;
        return catalog.LoadFromEnumerable(rows, schema);
    }

    /// <summary>
    /// ML.NET's ImageAnalytics chain from a column of image paths to grey features: <c>LoadImages</c> →
    /// <c>ResizeImages(height, width)</c> → <c>ConvertToGrayscale</c> → <c>ExtractPixels</c> (0-255) → an
    /// <c>Expression</c> dividing by 255 → <c>Vector&lt;Single, height × width&gt;</c>, row-major; the helper
    /// columns are dropped. Every transform is ML.NET's own, so a model holding the chain saves and loads without
    /// this library.
    /// </summary>
    /// <remarks>
    /// A grey image written losslessly (PNG, BMP) gives exactly the features of the IDX row it came from: each
    /// value is <c>byte / 255f</c>. ExtractPixels' own <c>scaleImage: 1f / 255</c> is not used because it
    /// multiplies by the rounded reciprocal, which differs from <c>byte / 255f</c> in the last bit for 126 of the
    /// 256 byte values; the Expression transform divides. Colour images become grey by ML.NET's
    /// <c>ConvertToGrayscale</c> (0.3 R + 0.59 G + 0.11 B, to a byte; measured on ML.NET 5.0.1). An image
    /// of another size is resized by ML.NET's <paramref name="resizing"/> rule.
    /// </remarks>
    /// <param name="catalog">The transforms catalog of an <see cref="MLContext"/>.</param>
    /// <param name="outputColumnName">The feature column produced.</param>
    /// <param name="inputColumnName">The column of image paths (text).</param>
    /// <param name="imageHeight">The height every image is resized to.</param>
    /// <param name="imageWidth">The width every image is resized to.</param>
    /// <param name="imageFolder">The folder relative paths are read from; null for paths as given.</param>
    /// <param name="resizing">How ML.NET resizes an image whose aspect ratio differs.</param>
    public static IEstimator<ITransformer> LoadGrayscaleImageFeatures(
        this TransformsCatalog catalog,
        string outputColumnName = "Features",
        string inputColumnName = DefaultImagePathColumnName,
        int imageHeight = 28,
        int imageWidth = 28,
        string? imageFolder = null,
        ImageResizingEstimator.ResizingKind resizing = ImageResizingEstimator.ResizingKind.IsoCrop)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentException.ThrowIfNullOrWhiteSpace(outputColumnName);
        ArgumentException.ThrowIfNullOrWhiteSpace(inputColumnName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        string image = outputColumnName + ".Image";
        string pixels = outputColumnName + ".Pixels";

        // After ConvertToGrayscale the three colour channels are equal, so red alone is the grey level.
        return catalog.LoadImages(image, imageFolder, inputColumnName)
            .Append(catalog.ResizeImages(image, imageWidth, imageHeight, image, resizing))
            .Append(catalog.ConvertToGrayscale(image))
            .Append(catalog.ExtractPixels(pixels, image, ImagePixelExtractingEstimator.ColorBits.Red))
            .Append(catalog.Expression(outputColumnName, "x => x / 255", pixels))
            .Append(catalog.DropColumns(image, pixels));
    }

    private static bool HasImageExtension(string path) =>
        ImageFileExtensions.Contains(Path.GetExtension(path).ToLowerInvariant());

    /// <summary>The row type of the path view.</summary>
    private sealed class ImagePathRow
    {
        public string ImagePath { get; set; } = "";
    }
}
