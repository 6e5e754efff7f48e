using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Runtime;
using Microsoft.ML.Transforms.Onnx;
using Ml.BatchNorm.Data;
using Ml.BatchNorm.Engine;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// What the scoring benchmarks score with: the test rows as an in-memory ML.NET view, the fitted pipeline over a
/// network (MapValueToKey + the fitted BatchNormCnn transformer), and that pipeline saved to an ML.NET model file
/// and loaded back by ML.NET alone, as an application that has never heard of this library loads it.
/// </summary>
internal static class ScoringModels
{
    /// <summary>The first <paramref name="count"/> rows of <paramref name="data"/> as prediction-engine rows.</summary>
    public static ImageRow[] Rows(ImageDataset data, int count)
    {
        var rows = new ImageRow[Math.Min(count, data.Count)];
        for (int i = 0; i < rows.Length; i++)
        {
            rows[i] = new ImageRow { Label = (uint)data.GetLabel(i) };
            data.CopyImage(i, rows[i].Features);
        }

        return rows;
    }

    /// <summary>MapValueToKey("Label") then the fitted transformer over <paramref name="network"/> (which it takes over).</summary>
    public static ITransformer Fitted(MLContext ml, IDataView view, Network network, IReadOnlyList<string> labelNames)
    {
        var keys = ml.Transforms.Conversion.MapValueToKey("Label").Fit(view);
        var transformer = BatchNormCnnTransformer.Create(new BatchNormCnnModel(new TrainedNetwork(network, labelNames, null)), keys.Transform(view));
        return keys.Append(transformer);
    }

    /// <summary>
    /// <paramref name="fitted"/> saved to a model file and loaded by a fresh <see cref="MLContext"/>. With
    /// <paramref name="intraOpThreads"/> above 0, or an <paramref name="optimizedGraphPath"/>, the context gets
    /// ONNX Runtime session options first (<c>SetOnnxSessionOption</c>, what ML.NET lets a user set at load time;
    /// the model file itself keeps no thread settings).
    /// </summary>
    public static ITransformer SavedAndLoaded(MLContext ml, ITransformer fitted, IDataView view, int intraOpThreads, string? optimizedGraphPath)
    {
        string path = Path.Combine(Path.GetTempPath(), $"mlbn-bench-{Guid.NewGuid():N}.zip");
        try
        {
            ml.Model.Save(fitted, view.Schema, path);
            var loading = new MLContext(seed: 1);
            if (intraOpThreads > 0 || optimizedGraphPath is not null)
            {
                var options = new OnnxSessionOptions { OptimizedModelFilePath = optimizedGraphPath ?? string.Empty };
                if (intraOpThreads > 0)
                {
                    options.IntraOpNumThreads = intraOpThreads;
                    options.InterOpNumThreads = 1;
                }

                // ML.NET's OnnxTransformer reads these when Model.Load makes its ONNX Runtime session (checked: the
                // optimized graph file appears).
                ((IHostEnvironment)loading).SetOnnxSessionOption(options);
            }

            return loading.Model.Load(path, out _);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Reads the Score column of every row, as a consumer of the scored view does.</summary>
    public static int ConsumeScores(IDataView scored)
    {
        var score = scored.Schema["Score"];
        using var cursor = scored.GetRowCursor([score]);
        var read = cursor.GetGetter<VBuffer<float>>(score);
        var value = default(VBuffer<float>);
        int rows = 0;
        while (cursor.MoveNext())
        {
            read(ref value);
            rows++;
        }

        return rows;
    }
}
