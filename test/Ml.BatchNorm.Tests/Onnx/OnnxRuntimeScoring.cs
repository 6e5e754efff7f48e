using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Ml.BatchNorm.Tests.Onnx;

/// <summary>Scores an ONNX model with ONNX Runtime in one batch.</summary>
internal static class OnnxRuntimeScoring
{
    public static Dictionary<string, Array> Run(byte[] model, string inputName, float[] images, int count)
    {
        using var options = new SessionOptions { LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var input = OrtValue.CreateTensorValueFromMemory(images, [count, images.Length / count]);
        using var runOptions = new RunOptions();
        var outputNames = session.OutputNames.ToArray();
        using var outputs = session.Run(runOptions, [inputName], [input], outputNames);
        var result = new Dictionary<string, Array>(StringComparer.Ordinal);
        for (int i = 0; i < outputNames.Length; i++)
        {
            var type = outputs[i].GetTensorTypeAndShape().ElementDataType;
            result[outputNames[i]] = type switch
            {
                TensorElementType.Float => outputs[i].GetTensorDataAsSpan<float>().ToArray(),
                TensorElementType.Int64 => outputs[i].GetTensorDataAsSpan<long>().ToArray(),
                _ => throw new AssertFailedException($"output {outputNames[i]} has type {type}"),
            };
        }

        return result;
    }
}
