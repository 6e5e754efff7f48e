using Microsoft.ML.Data;
using MLContext = Microsoft.ML.MLContext;
using MlChain = Microsoft.ML.Data.EstimatorChain<Microsoft.ML.ITransformer>;
using MlEstimator = Microsoft.ML.IEstimator<Microsoft.ML.ITransformer>;
using ResizingKind = Microsoft.ML.Transforms.Image.ImageResizingEstimator.ResizingKind;

namespace Ml.BatchNorm.Data;

/// <summary>
/// Decodes PNG/JPEG/BMP files to grey floats (pixel / 255, the same rule as <see cref="PixelScaling"/>)
/// and writes grey PNG files, through ML.NET's image transforms (LoadImages, ResizeImages,
/// ConvertToGrayscale, ExtractPixels; SkiaSharp underneath).
/// </summary>
internal static class ImageFileDecoder
{
    /// <summary>
    /// Reads <paramref name="path"/> as grey, resized to <paramref name="height"/> x <paramref name="width"/>
    /// when its size differs, into the first height * width floats of <paramref name="destination"/>.
    /// </summary>
    /// <returns>The file's own height and width.</returns>
    /// <exception cref="InvalidDataException">The file is missing or cannot be decoded; the message names it.</exception>
    public static (int Height, int Width) ReadGray(string path, int height, int width, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (destination.Length < height * width)
        {
            throw new ArgumentException($"destination holds {destination.Length} floats but {height}x{width} are needed.", nameof(destination));
        }

        var image = DecodeBgr(path);
        var grey = ToGray(Resize(image, height, width));
        for (int i = 0; i < height * width; i++)
        {
            destination[i] = grey.Pixels[i] / 255f;
        }

        return (image.Height, image.Width);
    }

    /// <summary>Writes row-major grey bytes losslessly as a PNG file.</summary>
    public static void WriteGrayPng(string path, ReadOnlySpan<byte> pixels, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (pixels.Length < height * width)
        {
            throw new ArgumentException($"pixels holds {pixels.Length} bytes but {height}x{width} are needed.", nameof(pixels));
        }

        using var image = MLImage.CreateFromPixels(width, height, MLPixelFormat.Bgra32, ToBgra(pixels[..(height * width)], 1));
        image.Save(path);
    }

    /// <summary>Decodes <paramref name="path"/> as 8-bit BGR (three interleaved channels, whatever the file holds).</summary>
    /// <exception cref="InvalidDataException">The file is missing or cannot be decoded; the message names it.</exception>
    public static Ml.BatchNorm.Data.ImageValue DecodeBgr(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"image file {path} does not exist.", path);
        }

        try
        {
            using var image = MLImage.CreateFromFile(path);
            return new Ml.BatchNorm.Data.ImageValue(image.GetBGRPixels, image.Height, image.Width, 3);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or NotSupportedException)
        {
            throw new InvalidDataException($"image file {path} cannot be decoded as PNG, JPEG or BMP: {e.Message}", e);
        }
    }

    /// <summary>
    /// <paramref name="image"/> resized to <paramref name="height"/> x <paramref name="width"/> by ML.NET's ResizeImages
    /// (stretched to fill); the same image when its size already matches.
    /// </summary>
    public static Ml.BatchNorm.Data.ImageValue Resize(Ml.BatchNorm.Data.ImageValue image, int height, int width)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        if (image.Height == height && image.Width == width)
        {
            return image;
        }

        return Transform(image, height, width, (ml, pipeline) => pipeline.Append(Microsoft.ML.ImageEstimatorsCatalog.ResizeImages(ml.Transforms, "Image", width, height, "Image", ResizingKind.Fill)), image.Channels);
    }

    /// <summary>A one-channel copy of a BGR image (ML.NET's ConvertToGrayscale); a grey image is returned as is.</summary>
    public static Ml.BatchNorm.Data.ImageValue ToGray(Ml.BatchNorm.Data.ImageValue image)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Channels == 1)
        {
            return image;
        }

        return Transform(image, image.Height, image.Width, (ml, pipeline) => pipeline.Append(Microsoft.ML.ImageEstimatorsCatalog.ConvertToGrayscale(ml.Transforms, "Image")), 1);
    }

    private static byte[] ToBgra(ReadOnlySpan<byte> pixels, int channels)
    {
        int count = pixels.Length / channels;
        var bgra = new byte[count * 4];
        for (int i = 0; i < count; i++)
        {
            bgra[(4 * i) + 0] = pixels[(channels * i) + 0];
            bgra[(4 * i) + 1] = pixels[(channels * i) + (channels == 1 ? 0 : 1)];
            bgra[(4 * i) + 2] = pixels[(channels * i) + (channels == 1 ? 0 : 2)];
            bgra[(4 * i) + 3] = 255;
        }

        return bgra;
    }

    // Runs ML.NET's LoadImages and one image transform on one image. ML.NET's views take images from files,
    // not from memory, so an in-memory image goes through a lossless temporary PNG.
    private static Ml.BatchNorm.Data.ImageValue Transform(Ml.BatchNorm.Data.ImageValue image, int height, int width, Func<MLContext, MlChain, MlEstimator> build, int channels)
    {
        string folder = Directory.CreateTempSubdirectory("mlbn-image-").FullName;
        try
        {
            string path = Path.Combine(folder, "image.png");
            using (var source = MLImage.CreateFromPixels(image.Width, image.Height, MLPixelFormat.Bgra32, ToBgra(image.Pixels, image.Channels)))
            {
                source.Save(path);
            }

            var ml = new MLContext(seed: 0);
            var data = ml.Data.LoadFromEnumerable([new ImageRow { Path = path }]);
            var load = Microsoft.ML.ImageEstimatorsCatalog.LoadImages(ml.Transforms, "Image", null, nameof(ImageRow.Path));
            var model = build(ml, new MlChain().Append<Microsoft.ML.ITransformer>(load)).Fit(data);
            var output = model.Transform(data);
            using var cursor = output.GetRowCursor(output.Schema);
            var getter = cursor.GetGetter<MLImage>(output.Schema["Image"]);
            MLImage result = null!;
            cursor.MoveNext();
            getter(ref result);
            using (result)
            {
                byte[] bgr = result.GetBGRPixels;
                if (channels == 3)
                {
                    return new Ml.BatchNorm.Data.ImageValue(bgr, height, width, 3);
                }

                var grey = new byte[height * width];
                for (int i = 0; i < grey.Length; i++)
                {
                    grey[i] = bgr[3 * i];
                }

                return new Ml.BatchNorm.Data.ImageValue(grey, height, width, 1);
            }
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class ImageRow
    {
        public string Path { get; set; } = "";
    }
}
