using Microsoft.ML;
using Microsoft.ML.Data;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Files;

namespace Ml.BatchNorm.Samples.Cli;

/// <summary>
/// An ML.NET model file loaded by ML.NET itself (<c>mlContext.Model.Load</c>): the commands score and evaluate through
/// its <c>Transform</c>, as any ML.NET application would. Its class names are the Score column's slot names.
/// </summary>
internal sealed class LoadedModel
{
    private LoadedModel(string path, MLContext ml, ITransformer model, DataViewSchema inputSchema, IReadOnlyList<string> classNames, int featureSize)
    {
        Path = path;
        Ml = ml;
        Model = model;
        InputSchema = inputSchema;
        ClassNames = classNames;
        FeatureSize = featureSize;
    }

    public string Path { get; }

    public MLContext Ml { get; }

    public ITransformer Model { get; }

    public DataViewSchema InputSchema { get; }

    public IReadOnlyList<string> ClassNames { get; }

    /// <summary>Values per image the model reads ("Features").</summary>
    public int FeatureSize { get; }

    /// <summary>The side of a square image of <see cref="FeatureSize"/> pixels.</summary>
    public int Side => (int)Math.Round(Math.Sqrt(FeatureSize));

    public static LoadedModel Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new ModelFileException(path, "the file does not exist.");
        }

        var ml = new MLContext(seed: 1);
        ITransformer model;
        DataViewSchema inputSchema;
        try
        {
            model = ml.Model.Load(path, out inputSchema);
        }
        catch (Exception e) when (e is InvalidOperationException or InvalidDataException or FormatException or IOException or ArgumentException or NullReferenceException)
        {
            throw new ModelFileException(path, $"not an ML.NET model file ({e.Message.Split('\n')[0].TrimEnd()}).", e);
        }

        var features = inputSchema.GetColumnOrNull("Features");
        if (features?.Type is not VectorDataViewType { Size: > 0 } vector || !inputSchema.Any(c => c.Name == "Label"))
        {
            throw new ModelFileException(path, "its pipeline does not read 'Label' and 'Features' columns; mlbn reads models of images and labels.");
        }

        var score = model.GetOutputSchema(inputSchema).GetColumnOrNull("Score")
            ?? throw new ModelFileException(path, "its pipeline has no 'Score' column.");
        var names = default(VBuffer<ReadOnlyMemory<char>>);
        string[] classNames;
        if (score.HasSlotNames())
        {
            score.GetSlotNames(ref names);
            classNames = names.DenseValues().Select(n => n.ToString()).ToArray();
        }
        else
        {
            classNames = Enumerable.Range(0, ((VectorDataViewType)score.Type).Size).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        }
        return new LoadedModel(path, ml, model, inputSchema, classNames, vector.Size);
    }

    /// <summary>Scores <paramref name="data"/> ("Label" UInt32, "Features"), checked against the model's input first.</summary>
    public IDataView Transform(IDataView data)
    {
        var features = data.Schema.GetColumnOrNull("Features");
        if (features?.Type is not VectorDataViewType { Size: var size } || size != FeatureSize)
        {
            throw new InvalidDataException($"{Path} reads {FeatureSize} values per image (\"Features\"); the data has {features?.Type.ToString() ?? "no such column"}.");
        }

        return Model.Transform(data);
    }

    /// <summary>Rows for the model: "Label" (the dataset's labels) and "Features" (pixel/255).</summary>
    public IDataView View(ImageDataset data) => ImageRows.View(Ml, data);

    /// <summary>The "Score" column of every row, row after row.</summary>
    public static float[] Probabilities(IDataView scored, int classes)
    {
        var scores = scored.GetColumn<float[]>("Score").ToList();
        var result = new float[scores.Count * classes];
        for (int i = 0; i < scores.Count; i++)
        {
            scores[i].CopyTo(result, i * classes);
        }

        return result;
    }
}
