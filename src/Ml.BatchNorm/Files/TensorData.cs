namespace Ml.BatchNorm.Files;

/// <summary>
/// A named float32 tensor held in managed memory, in row-major (C) order: the unit that model files and
/// checkpoints store and that the safetensors format exchanges with PyTorch.
/// </summary>
public sealed class TensorData
{
    /// <summary>Creates a tensor and checks that <paramref name="values"/> holds exactly as many elements as <paramref name="shape"/> describes.</summary>
    /// <param name="name">The tensor's name, unique within a file (for example <c>conv1.weight</c>).</param>
    /// <param name="shape">The size of each dimension; empty for a scalar (one element), a zero size for an empty tensor.</param>
    /// <param name="values">The elements in row-major order. The array is kept, not copied.</param>
    /// <exception cref="ArgumentException">The name is empty, a dimension is negative, or the element count does not match the shape.</exception>
    public TensorData(string name, IReadOnlyList<long> shape, float[] values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);

        var dims = shape.ToArray();
        long count = 1;
        foreach (var d in dims)
        {
            if (d < 0)
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has a negative dimension in shape [{string.Join(", ", dims)}]; every dimension must be 0 or more.",
                    nameof(shape));
            }

            // Checked so that an absurd shape reports a mismatch instead of wrapping around to a small count.
            try { count = checked(count * d); }
            catch (OverflowException)
            {
                throw new ArgumentException(
                    $"Tensor '{name}' has shape [{string.Join(", ", dims)}] whose element count overflows a 64-bit integer.",
                    nameof(shape));
            }
        }

        if (count != values.Length)
        {
            throw new ArgumentException(
                $"Tensor '{name}' has shape [{string.Join(", ", dims)}], which needs {count} values, but {values.Length} were given.",
                nameof(values));
        }

        Name = name;
        Shape = Array.AsReadOnly(dims);
        Values = values;
        ElementCount = count;
    }

    /// <summary>The tensor's name, unique within a file.</summary>
    public string Name { get; }

    /// <summary>The size of each dimension; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>The elements in row-major order; its length equals <see cref="ElementCount"/>.</summary>
    public float[] Values { get; }

    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount { get; }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} [{string.Join(", ", Shape)}]";
}
