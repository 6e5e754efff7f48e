namespace Ml.BatchNorm.Files;

/// <summary>A named float32 tensor: the unit of the safetensors payload in model files and checkpoints.</summary>
public sealed class TensorData
{
    /// <summary>Creates the tensor; the shape's product must equal the number of values.</summary>
    public TensorData(string name, long[] shape, float[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"tensor '{name}' has a negative dimension in shape [{string.Join(", ", shape)}].", nameof(shape));
            }

            count *= d;
        }

        if (count != values.Length)
        {
            throw new ArgumentException($"tensor '{name}' has shape [{string.Join(", ", shape)}] ({count} values) but {values.Length} values were given.", nameof(values));
        }

        Name = name;
        Shape = shape;
        Values = values;
    }

    /// <summary>The tensor's name, for example "0.weight".</summary>
    public string Name { get; }

    /// <summary>Its dimensions.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Row-major values.</summary>
    public float[] Values { get; }
}
