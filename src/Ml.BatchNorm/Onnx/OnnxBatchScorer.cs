using Microsoft.ML.OnnxRuntime;

namespace Ml.BatchNorm.Onnx;

/// <summary>
/// Runs a network's scoring graph through ONNX Runtime many rows per call. ML.NET's ONNX transformer runs the
/// same graph one row per call, paying ONNX Runtime's and its own fixed per-call cost for every image; a batch
/// pays it once and lets the convolutions and the dense layer work on matrices. The graph is the bytes the
/// ML.NET chain runs and saves, so both compute the same function (a row scored alone and inside a batch may
/// differ in the last bits). Thread-safe: ONNX Runtime sessions allow concurrent runs.
/// </summary>
internal sealed class OnnxBatchScorer : IDisposable
{
    private readonly InferenceSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    /// <param name="graph">The ONNX model: input [N, <paramref name="inputSize"/>] float, outputs scores [N, classes] float and the argmax index [N] int64.</param>
    /// <param name="inputName">The graph's input.</param>
    /// <param name="scoreName">The score output.</param>
    /// <param name="indexName">The predicted-index output.</param>
    /// <param name="inputSize">Values per row.</param>
    /// <param name="classes">Scores per row.</param>
    /// <param name="intraOpThreads">ONNX Runtime's intra-op threads; 0 keeps its default (one per physical core, each pinned to its core).</param>
    public OnnxBatchScorer(byte[] graph, string inputName, string scoreName, string indexName, int inputSize, int classes, int intraOpThreads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(intraOpThreads);
        // Every graph optimization (blocked layouts, batch norms folded where they can be), as ML.NET's ONNX
        // transformer creates its session.
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL, IntraOpNumThreads = intraOpThreads };
        _session = new InferenceSession(graph, options);
        _inputNames = [inputName];
        _outputNames = [scoreName, indexName];
        InputSize = inputSize;
        Classes = classes;
    }

    /// <summary>Values per input row.</summary>
    public int InputSize { get; }

    /// <summary>Scores per row.</summary>
    public int Classes { get; }

    /// <summary>
    /// Scores the first <paramref name="rows"/> rows of <paramref name="input"/> (row after row; pinned while ONNX Runtime reads it) into
    /// <paramref name="scores"/> (<see cref="Classes"/> per row) and <paramref name="indices"/>.
    /// </summary>
    public void Score(Memory<float> input, int rows, Span<float> scores, Span<long> indices)
    {
        using var value = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, input[..(rows * InputSize)], [rows, InputSize]);
        using var run = new RunOptions();
        using var outputs = _session.Run(run, _inputNames, [value], _outputNames);
        outputs[0].GetTensorDataAsSpan<float>().CopyTo(scores[..(rows * Classes)]);
        outputs[1].GetTensorDataAsSpan<long>().CopyTo(indices[..rows]);
    }

    /// <summary>Releases the ONNX Runtime session.</summary>
    public void Dispose() => _session.Dispose();
}
