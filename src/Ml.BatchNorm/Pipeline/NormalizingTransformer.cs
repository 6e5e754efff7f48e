using System.Text.Json;
using System.Text.Json.Nodes;
using Ml.BatchNorm.Data;

namespace Ml.BatchNorm.Pipeline;

/// <summary>
/// Applies the per-slot map a <see cref="NormalizingEstimator"/> learned: y = (x - <see cref="Offset"/>[i]) ×
/// <see cref="Scale"/>[i], or the normal CDF of that value when <see cref="UseCdf"/> is set. The output has the input's type.
/// </summary>
public sealed class NormalizingTransformer : ITransformer, IPipelineStage
{
    internal const string Tag = "normalize";
    internal const int Version = 1;

    private readonly DataViewType _type;
    private readonly float[] _scale;
    private readonly float[] _offset;

    internal NormalizingTransformer(NormalizerMode mode, string outputColumnName, string inputColumnName, DataViewType type, float[] scale, float[] offset, bool useCdf)
    {
        if (!IsSupported(type) || scale.Length != offset.Length || scale.Length != (type is VectorDataViewType v ? v.Size : 1))
        {
            throw new ArgumentException($"A normalizer of column '{inputColumnName}' ({type}) needs one scale and one offset per slot; got {scale.Length} and {offset.Length}.", nameof(scale));
        }

        Mode = mode;
        OutputColumnName = outputColumnName;
        InputColumnName = inputColumnName;
        _type = type;
        _scale = scale;
        _offset = offset;
        UseCdf = useCdf;
    }

    /// <summary>Min-max or mean-variance (how the parameters were learned).</summary>
    public NormalizerMode Mode { get; }

    /// <summary>The normalized column made.</summary>
    public string OutputColumnName { get; }

    /// <summary>The column normalized.</summary>
    public string InputColumnName { get; }

    /// <summary>Whether the output is the normal CDF of the affine value (mean-variance with useCdf).</summary>
    public bool UseCdf { get; }

    /// <summary>The scale of each slot.</summary>
    public IReadOnlyList<float> Scale => _scale;

    /// <summary>The offset subtracted from each slot before scaling (0 everywhere with fixZero).</summary>
    public IReadOnlyList<float> Offset => _offset;

    string IPipelineStage.StageTag => Tag;

    int IPipelineStage.StageVersion => Version;

    private string StageName => Mode == NormalizerMode.MinMax ? "NormalizeMinMax" : "NormalizeMeanVariance";

    /// <inheritdoc/>
    public DataViewSchema GetOutputSchema(DataViewSchema inputSchema)
    {
        ArgumentNullException.ThrowIfNull(inputSchema);
        CheckInput(inputSchema);
        return SchemaChecks.WithColumns(inputSchema, [(OutputColumnName, _type)]).Schema;
    }

    /// <inheritdoc/>
    public IDataView Transform(IDataView input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var column = CheckInput(input.Schema);
        return new MappedView(input, [(OutputColumnName, _type)], [column], (cursor, _) =>
        {
            if (_type is not VectorDataViewType)
            {
                var readScalar = cursor.GetGetter<float>(column);
                float x = 0;
                ValueGetter<float> scalar = (ref float value) =>
                {
                    readScalar(ref x);
                    value = Apply(x, 0);
                };
                return new BoundColumns([scalar]);
            }

            var read = cursor.GetGetter<VBuffer<float>>(column);
            var source = default(VBuffer<float>);
            var buffer = new float[_scale.Length];
            ValueGetter<VBuffer<float>> vector = (ref VBuffer<float> value) =>
            {
                read(ref source);
                var values = source.GetValues();
                if (values.Length != buffer.Length)
                {
                    throw new InvalidOperationException($"{StageName}: column '{column.Name}' holds {values.Length} values in this row; the normalizer was fitted on {buffer.Length}.");
                }

                for (int i = 0; i < buffer.Length; i++)
                {
                    buffer[i] = Apply(values[i], i);
                }

                value = new VBuffer<float>(buffer);
            };
            return new BoundColumns([vector]);
        });
    }

    JsonObject IPipelineStage.Save(IDictionary<string, byte[]> entries, string entryPrefix) => new()
    {
        ["mode"] = Mode.ToString(),
        ["outputColumnName"] = OutputColumnName,
        ["inputColumnName"] = InputColumnName,
        ["type"] = SchemaJson.Write(_type),
        ["useCdf"] = UseCdf,

        // System.Text.Json writes floats in their shortest round-trip form, so the loaded values are bit-identical.
        ["scale"] = JsonSerializer.SerializeToNode(_scale),
        ["offset"] = JsonSerializer.SerializeToNode(_offset),
    };

    internal static NormalizingTransformer Load(StageLoadContext context)
    {
        var p = context.Parameters;
        var mode = Enum.Parse<NormalizerMode>(context.RequiredString("mode"));
        var type = SchemaJson.Read(p["type"] ?? throw new JsonException("parameter 'type' is missing"));
        var scale = p["scale"]?.Deserialize<float[]>() ?? throw new JsonException("parameter 'scale' is missing");
        var offset = p["offset"]?.Deserialize<float[]>() ?? throw new JsonException("parameter 'offset' is missing");
        bool useCdf = p["useCdf"]?.GetValue<bool>() ?? throw new JsonException("parameter 'useCdf' is missing");
        try
        {
            return new NormalizingTransformer(mode, context.RequiredString("outputColumnName"), context.RequiredString("inputColumnName"), type, scale, offset, useCdf);
        }
        catch (ArgumentException e)
        {
            throw new JsonException(e.Message, e);
        }
    }

    internal static bool IsSupported(DataViewType type) =>
        type == NumberDataViewType.Single || type is VectorDataViewType { IsKnownSize: true } v && v.ItemType == NumberDataViewType.Single;

    /// <summary>
    /// The normal CDF through erf(z/√2) ≈ sign · sqrt(1 - exp(-u²(4/π + a u²)/(1 + a u²))) with u = z/√2 and a = 0.147
    /// (Winitzki), the approximation ML.NET's CDF normalizer uses, so the two agree.
    /// </summary>
    internal static float NormalCdf(float z)
    {
        const double A = 0.147;
        if (float.IsNaN(z))
        {
            return z;
        }

        double half = (double)z * z / 2;
        double ah = A * half;
        return (float)(0.5 + (0.5 * Math.Sign(z) * Math.Sqrt(1 - Math.Exp(-half * ((4 / Math.PI) + ah) / (1 + ah)))));
    }

    private float Apply(float x, int slot)
    {
        float affine = (x - _offset[slot]) * _scale[slot];
        return UseCdf ? NormalCdf(affine) : affine;
    }

    private DataViewSchema.Column CheckInput(DataViewSchema schema) =>
        SchemaChecks.Require(schema, InputColumnName, StageName, $"{_type} (the type seen at Fit)", t => t.Equals(_type));
}
