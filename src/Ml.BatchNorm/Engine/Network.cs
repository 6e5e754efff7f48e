using Ml.BatchNorm.Data;
using Ml.BatchNorm.Interop;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// A network built in libtorch from a <see cref="NetworkSpec"/>. Public scoring always runs in
/// inference mode (moving statistics, no dropout); training-mode passes are internal to the trainer.
/// Dispose it to release the native memory at once.
/// </summary>
public sealed class Network : IDisposable
{
    private readonly NetworkHandle _handle;
    private bool _allowFolding = true;

    /// <summary>Builds the network with weights drawn from <paramref name="seed"/> on <paramref name="device"/> ("cpu", "cuda", "cuda:N").</summary>
    public Network(NetworkSpec spec, ulong seed = 1, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        Device = device;
        LayerSpecNative[] layers = spec.ToNative();
        unsafe
        {
            fixed (LayerSpecNative* p = layers)
            {
                NativeMethods.NetworkCreate(p, layers.Length, spec.Channels, spec.Height, spec.Width, seed, device, out _handle).ThrowIfFailed();
            }
        }

        NativeMethods.NetworkOutputSize(_handle, out long outputs).ThrowIfFailed();
        OutputSize = checked((int)outputs);
        InputSize = spec.Channels * spec.Height * spec.Width;
    }

    /// <summary>The spec it was built from.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The device it lives on.</summary>
    public string Device { get; }

    /// <summary>Floats per input row (channels x height x width).</summary>
    public int InputSize { get; }

    /// <summary>Floats per output row (the number of classes for a classifier).</summary>
    public int OutputSize { get; }

    internal NetworkHandle Handle => _handle;

    /// <summary>
    /// Whether scoring may fold each batch norm into the convolution or dense layer before it (default true). Off,
    /// inference runs every batch norm as its own layer (with the same moving statistics): slower, and the reference
    /// the folded weights are checked against.
    /// </summary>
    public bool AllowBatchNormFolding
    {
        get => _allowFolding;
        set
        {
            NativeMethods.NetworkSetFolding(_handle, value ? 1 : 0).ThrowIfFailed();
            _allowFolding = value;
        }
    }

    /// <summary>
    /// Whether scoring runs with each batch norm folded into the convolution or dense layer before it
    /// (the weights are folded when first needed and checked numerically against the unfolded layers).
    /// </summary>
    public bool IsBatchNormFolded
    {
        get
        {
            NativeMethods.NetworkFoldingActive(_handle, out int active).ThrowIfFailed();
            return active != 0;
        }
    }

    /// <summary>Class probabilities (softmax of the last layer) for <paramref name="count"/> rows, in inference mode.</summary>
    public void Score(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        CheckSizes(images, count, probabilities.Length);
        unsafe
        {
            fixed (float* x = images)
            fixed (float* y = probabilities)
            {
                NativeMethods.NetworkScore(_handle, x, count, y).ThrowIfFailed();
            }
        }
    }

    /// <summary>Summed cross-entropy and the number of correct predictions for a labelled batch, in inference mode.</summary>
    public (double LossSum, long Correct) Evaluate(ReadOnlySpan<float> images, ReadOnlySpan<long> labels, int count)
    {
        CheckSizes(images, count, null);
        if (labels.Length < count)
        {
            throw new ArgumentException($"labels hold {labels.Length} rows, fewer than count {count}.", nameof(labels));
        }

        unsafe
        {
            fixed (float* x = images)
            fixed (long* l = labels)
            {
                NativeMethods.NetworkEvaluate(_handle, x, l, count, out double loss, out long correct).ThrowIfFailed();
                return (loss, correct);
            }
        }
    }

    /// <summary>Raw output of the last layer. Training mode uses batch statistics and updates the moving ones.</summary>
    internal void Forward(ReadOnlySpan<float> images, int count, bool training, ulong step, Span<float> output)
    {
        CheckSizes(images, count, output.Length);
        ForwardShaped(images, count, Spec.Height, Spec.Width, training, step, output);
    }

    /// <summary>Forward pass on images of another size: convolutions accept any size, dense layers then decide.</summary>
    internal void ForwardShaped(ReadOnlySpan<float> images, int count, int height, int width, bool training, ulong step, Span<float> output)
    {
        if (images.Length < (long)count * Spec.Channels * height * width)
        {
            throw new ArgumentException($"images hold {images.Length} floats, fewer than {count} rows of {Spec.Channels}x{height}x{width}.", nameof(images));
        }

        unsafe
        {
            fixed (float* x = images)
            fixed (float* y = output)
            {
                NativeMethods.NetworkForward(_handle, x, count, height, width, training ? 1 : 0, step, y, output.Length).ThrowIfFailed();
            }
        }
    }

    internal void SetOptimizer(NativeOptimizerKind kind, double beta1, double beta2, double epsilon, double weightDecay, double initialAccumulator, bool nesterov) =>
        NativeMethods.NetworkSetOptimizer(_handle, kind, beta1, beta2, epsilon, weightDecay, initialAccumulator, nesterov ? 1 : 0).ThrowIfFailed();

    internal (float Loss, long Correct) TrainStep(ReadOnlySpan<float> images, ReadOnlySpan<long> labels, int count, double learningRate, ulong step)
    {
        CheckSizes(images, count, null);
        unsafe
        {
            fixed (float* x = images)
            fixed (long* l = labels)
            {
                NativeMethods.NetworkTrainStep(_handle, x, l, count, learningRate, step, out float loss, out long correct).ThrowIfFailed();
                return (loss, correct);
            }
        }
    }

    /// <summary>
    /// Sets what training may change in the batch-normalization layer at <paramref name="layerIndex"/>
    /// (an index into <see cref="NetworkSpec.Layers"/>), or in every one when it is null. Freezing is
    /// sticky: a setting that would unfreeze a frozen part throws <see cref="ArgumentException"/> naming
    /// the layer, and a refused call changes nothing.
    /// </summary>
    public void SetBatchNormFineTuning(BatchNormFineTuning policy, int? layerIndex = null)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"{policy} is not a {nameof(BatchNormFineTuning)}.");
        }

        NativeMethods.NetworkSetBatchNormPolicy(_handle, layerIndex ?? -1, (int)policy).ThrowIfFailed();
    }

    /// <summary>The fine-tuning policy of the batch-normalization layer at <paramref name="layerIndex"/>.</summary>
    public BatchNormFineTuning GetBatchNormFineTuning(int layerIndex)
    {
        NativeMethods.NetworkGetBatchNormPolicy(_handle, layerIndex, out int policy).ThrowIfFailed();
        return (BatchNormFineTuning)policy;
    }

    /// <summary>
    /// Recalibrates ("precise BN") every batch-normalization layer's moving statistics from data: runs
    /// <paramref name="batches"/> shuffled batches of <paramref name="batchSize"/> rows (null: one pass,
    /// dropping a partial last batch) forward in training mode without gradients and without dropout,
    /// each layer normalizing with its batch statistics, and then sets each moving mean and variance to
    /// the exact mean and unbiased variance of every value that layer saw. Weights, renorm statistics and
    /// counters do not change. It is explicit, so it also recalibrates layers whose statistics are frozen.
    /// Ghost batches and renorm's r and d do not apply while recalibrating: each batch is measured whole.
    /// </summary>
    /// <returns>The number of rows used.</returns>
    public long RecalibrateBatchNorm(ImageDataset data, int batchSize = 256, int? batches = null, ulong seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (batches is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(batches), batches, "batches must be positive (or null for one pass over the data).");
        }

        if (data.PixelsPerImage != InputSize)
        {
            throw new ArgumentException($"{data.Source} holds {data.Height}x{data.Width} images; the network expects {Spec.Height}x{Spec.Width}.", nameof(data));
        }

        var sequence = new MiniBatchSequence(data, Math.Min(batchSize, data.Count), seed, shuffle: true, LastBatchPolicy.Drop);
        int count = batches ?? sequence.BatchesPerEpoch;
        using var buffer = new MiniBatchBuffer(sequence.MaxBatchSize, sequence.PixelsPerImage);
        long rows = 0;
        NativeMethods.NetworkRecalibrateBegin(_handle).ThrowIfFailed();
        try
        {
            for (int b = 0; b < count; b++)
            {
                int n = sequence.Fill(b, buffer);
                unsafe
                {
                    fixed (float* x = buffer.Images)
                    {
                        NativeMethods.NetworkRecalibrateBatch(_handle, x, n).ThrowIfFailed();
                    }
                }

                rows += n;
            }
        }
        catch
        {
            // A failed batch leaves every statistic as it was.
            _ = NativeMethods.NetworkRecalibrateCancel(_handle);
            throw;
        }

        NativeMethods.NetworkRecalibrateEnd(_handle).ThrowIfFailed();
        return rows;
    }

    /// <summary>Every named tensor: weights, moving statistics and (once training has set one up) optimizer state.</summary>
    public IReadOnlyList<TensorInfo> GetTensorInfos()
    {
        NativeMethods.NetworkTensorCount(_handle, out int count).ThrowIfFailed();
        var result = new List<TensorInfo>(count);
        Span<long> shape = stackalloc long[8];
        for (int i = 0; i < count; i++)
        {
            unsafe
            {
                fixed (long* s = shape)
                {
                    NativeMethods.NetworkTensorInfo(_handle, i, out IntPtr name, out NativeTensorRole role, out int rank, s, shape.Length).ThrowIfFailed();
                    result.Add(new TensorInfo(NativeStatusExtensions.TakeString(name), (TensorRole)role, shape[..rank].ToArray()));
                }
            }
        }

        return result;
    }

    /// <summary>Copies the named tensor's values (row-major float32).</summary>
    public float[] ReadTensor(string name)
    {
        var info = GetTensorInfos().FirstOrDefault(t => t.Name == name)
            ?? throw new ArgumentException($"the network has no tensor named '{name}'.", nameof(name));
        var values = new float[info.ElementCount];
        ReadTensor(name, values);
        return values;
    }

    internal void ReadTensor(string name, Span<float> destination)
    {
        unsafe
        {
            fixed (float* d = destination)
            {
                NativeMethods.NetworkTensorRead(_handle, name, d, destination.Length).ThrowIfFailed();
            }
        }
    }

    /// <summary>Overwrites the named tensor with <paramref name="values"/> (row-major float32, exactly its element count).</summary>
    public void WriteTensor(string name, ReadOnlySpan<float> values)
    {
        unsafe
        {
            fixed (float* s = values)
            {
                NativeMethods.NetworkTensorWrite(_handle, name, s, values.Length).ThrowIfFailed();
            }
        }
    }

    /// <summary>Releases the native network.</summary>
    public void Dispose() => _handle.Dispose();

    private void CheckSizes(ReadOnlySpan<float> images, int count, int? outputLength)
    {
        ObjectDisposedException.ThrowIf(_handle.IsClosed, this);
        if (count <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "The batch must hold at least one row.");
        }

        if (images.Length < (long)count * InputSize)
        {
            throw new ArgumentException($"images hold {images.Length} floats; {count} rows of {InputSize} need {(long)count * InputSize}.", nameof(images));
        }

        if (outputLength is int length && length < (long)count * OutputSize)
        {
            throw new ArgumentException($"the output buffer holds {length} floats; {count} rows of {OutputSize} need {(long)count * OutputSize}.", "output");
        }
    }
}
