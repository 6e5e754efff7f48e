using System.Text.Json;
using Ml.BatchNorm.Engine;
using Ml.BatchNorm.Onnx;

namespace Ml.BatchNorm;

/// <summary>The face's one door to the Onnx layer: the scoring graph of a network, and a network read back from a model file.</summary>
internal static class NetworkGraph
{
    /// <summary>The ML.NET scoring graph: input → Score (with the class names as slot names) and the argmax index.</summary>
    public static byte[] ForMlNet(TrainedNetwork trained, string inputName, string? trainingOptionsJson) =>
        OnnxNetworkWriter.ToBytes(trained.Network, Options(trained, inputName, trainingOptionsJson));

    /// <summary>The network alone (input → Score, standard operators only) for other runtimes.</summary>
    public static byte[] ForOtherRuntimes(TrainedNetwork trained, string inputName, string? trainingOptionsJson) =>
        OnnxNetworkWriter.ToBytes(trained.Network, Options(trained, inputName, trainingOptionsJson).ForOtherRuntimes());

    /// <summary>The network, class names and training options JSON of an ML.NET model file or .onnx file written by this library.</summary>
    public static (TrainedNetwork Trained, string? TrainingOptionsJson) Read(string path)
    {
        var model = OnnxNetworkReader.Read(path);
        var names = model.Info.LabelNames ?? Enumerable.Range(0, model.Network.OutputSize).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        return (new TrainedNetwork(model.Network, names, Summary(model.Info.TrainingOptionsJson)), model.Info.TrainingOptionsJson);
    }

    /// <summary>The training summary inside the training record the estimator writes; null when absent or unreadable.</summary>
    private static TrainingSummary? Summary(string? trainingJson)
    {
        if (trainingJson is null)
        {
            return null;
        }

        try
        {
            using var document = System.Text.Json.JsonDocument.Parse(trainingJson);
            return document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && document.RootElement.TryGetProperty("summary", out var summary)
                && summary.ValueKind == System.Text.Json.JsonValueKind.Object
                ? summary.Deserialize<TrainingSummary>()
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    private static OnnxNetworkOptions Options(TrainedNetwork trained, string inputName, string? trainingOptionsJson) => new()
    {
        InputName = inputName,
        ScoreName = ScoringChain.ScoreColumnName,
        PredictedIndexName = ScoringChain.IndexColumnName,
        LabelNames = trained.LabelNames,
        TrainingOptionsJson = trainingOptionsJson,
    };
}
