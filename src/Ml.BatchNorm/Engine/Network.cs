using Ml.BatchNorm.Engine.Layers;
using Ml.BatchNorm.Engine.Modules;
using Ml.BatchNorm.Engine.Optimization;
using Ml.BatchNorm.Runtime;
using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Engine;

/// <summary>
/// A network built as TorchSharp modules from a <see cref="NetworkSpec"/>. Public scoring always runs in
/// inference mode (moving statistics, no dropout); training-mode passes are internal to the trainer.
/// Dispose it to release its tensors at once.
/// </summary>
public sealed partial class Network : IDisposable
{
    private static long s_live;
    private readonly SpecModule _module;
    private readonly Device _device;
    private readonly object _sync = new();
    private ParameterOptimizer? _optimizer;
    // Set with the optimizer: a training option that only the training step's loss reads.
    private double _labelSmoothing;
    private bool _disposed;

    /// <summary>Builds the network with weights drawn from <paramref name="seed"/> on <paramref name="device"/> ("cpu", "cuda", "cuda:N").</summary>
    public Network(NetworkSpec spec, ulong seed = 1, string device = "cpu")
    {
        ArgumentNullException.ThrowIfNull(spec);
        spec.Validate();
        Spec = spec;
        Device = device;
        TorchRuntime.EnsureLoaded();
        _device = DeviceOption.Parse(device, nameof(device));
        _module = new SpecModule(spec, seed);
        if (_device.type != DeviceType.CPU)
        {
            _module.to(_device);
        }

        _module.eval();
        OutputSize = checked((int)_module.OutputShape.Aggregate(1L, (a, b) => a * b));
        InputSize = spec.Channels * spec.Height * spec.Width;
        Interlocked.Increment(ref s_live);
    }

    /// <summary>Networks alive in the process (not yet disposed); tests use it to prove nothing leaks.</summary>
    internal static long LiveCount => Interlocked.Read(ref s_live);

    /// <summary>The spec it was built from.</summary>
    public NetworkSpec Spec { get; }

    /// <summary>The device it lives on.</summary>
    public string Device { get; }

    /// <summary>Floats per input row (channels x height x width).</summary>
    public int InputSize { get; }

    /// <summary>Floats per output row (the number of classes for a classifier).</summary>
    public int OutputSize { get; }

    internal SpecModule Module => _module;

    /// <summary>Class probabilities (softmax of the last layer) for <paramref name="count"/> rows, in inference mode.</summary>
    public void Score(ReadOnlySpan<float> images, int count, Span<float> probabilities)
    {
        CheckSizes(images, count, probabilities.Length);
        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var logits = Infer(Input(images, count, Spec.Height, Spec.Width)).reshape(count, -1);
        CopyOut(F.softmax(logits, 1), probabilities);
    }

    /// <summary>Summed cross-entropy and the number of correct predictions for a labelled batch, in inference mode.</summary>
    public (double LossSum, long Correct) Evaluate(ReadOnlySpan<float> images, ReadOnlySpan<long> labels, int count)
    {
        CheckSizes(images, count, null);
        if (labels.Length < count)
        {
            throw new ArgumentException($"labels hold {labels.Length} rows, fewer than count {count}.", nameof(labels));
        }

        using var scope = NewDisposeScope();
        using var _ = inference_mode();
        var logits = Infer(Input(images, count, Spec.Height, Spec.Width)).reshape(count, -1);
        var y = Labels(labels, count, logits.shape[1]);
        double loss = F.cross_entropy(logits.to(ScalarType.Float64), y, reduction: nn.Reduction.Sum).item<double>();
        long correct = logits.argmax(1).eq(y).sum().item<long>();
        return (loss, correct);
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
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (images.Length < (long)count * Spec.Channels * height * width)
        {
            throw new ArgumentException($"images hold {images.Length} floats, fewer than {count} rows of {Spec.Channels}x{height}x{width}.", nameof(images));
        }

        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var x = Input(images, count, height, width);
        Tensor y;
        if (training)
        {
            y = InTrainingMode(step, () => _module.call(x));
        }
        else
        {
            y = Infer(x);
        }

        if (y.numel() > output.Length)
        {
            throw new ArgumentException($"the output buffer holds {output.Length} values; the network produced {y.numel()}.", nameof(output));
        }

        CopyOut(y, output);
    }

    /// <summary>Sets up the optimizer (fresh state) that <see cref="TrainStep"/> uses.</summary>
    internal void SetOptimizer(TrainingOptions options)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        _optimizer?.Dispose();
        _optimizer = new ParameterOptimizer(options, TrainableParameters());
        _module.Context.KernelPath = options.KernelPath;
        _labelSmoothing = options.LabelSmoothing;
        _tensorCache = null;
    }

    /// <summary>Whether CReLU and CReLU + max-pool run as C# kernels or as plain TorchSharp operators (set from the training options).</summary>
    internal Kernels.KernelPath KernelPath
    {
        get => _module.Context.KernelPath;
        set => _module.Context.KernelPath = value;
    }

    /// <summary>Sets up the optimizer from its hyper-parameters (momentum is <paramref name="beta1"/> for SGD).</summary>
    internal void SetOptimizer(OptimizerKind kind, double beta1, double beta2, double epsilon, double weightDecay, double initialAccumulator, bool nesterov) =>
        SetOptimizer(new TrainingOptions
        {
            Optimizer = kind,
            Beta1 = kind == OptimizerKind.Sgd ? 0.9 : beta1,
            Momentum = kind == OptimizerKind.Sgd ? beta1 : 0.9,
            Beta2 = beta2,
            OptimizerEpsilon = epsilon,
            WeightDecay = weightDecay,
            InitialAccumulator = initialAccumulator,
            Nesterov = nesterov,
        });

    /// <summary>One training step: forward in training mode, cross-entropy (label-smoothed when set), backward, batch-norm L2, optimizer update.</summary>
    internal (float Loss, long Correct) TrainStep(ReadOnlySpan<float> images, ReadOnlySpan<long> labels, int count, double learningRate, ulong step)
    {
        CheckSizes(images, count, null);
        var optimizer = _optimizer ?? throw new InvalidOperationException("no optimizer has been set on this network.");
        using var scope = NewDisposeScope();
        var x = Input(images, count, Spec.Height, Spec.Width);
        var y = Labels(labels, count, OutputSize);
        return InTrainingMode(step, () =>
        {
            var logits = _module.call(x).reshape(count, -1);
            var loss = F.cross_entropy(logits, y, label_smoothing: _labelSmoothing);
            // Gradients are released after every step rather than zero-filled: backward then writes them fresh.
            _module.zero_grad(set_to_none: true);
            loss.backward();
            foreach (var bn in BatchNormLayers())
            {
                bn.AddL2Gradients();
            }

            optimizer.Step(learningRate, step);
            _module.zero_grad(set_to_none: true);
            return (loss.item<float>(), logits.argmax(1).eq(y).sum().item<long>());
        });
    }

    /// <summary>Releases the network's tensors.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _optimizer?.Dispose();
        DisposeFolding();
        _module.Dispose();
        Interlocked.Decrement(ref s_live);
    }

    private IEnumerable<BatchNormalization> BatchNormLayers() => _module.Layers.OfType<BatchNormalization>();

    // Training mode for the duration of body: the module is otherwise always in inference mode, so that
    // scoring never sees training mode. The lock keeps two training-mode passes on one network apart.
    private T InTrainingMode<T>(ulong step, Func<T> body)
    {
        lock (_sync)
        {
            _module.Context.Step = step;
            _module.train();
            try
            {
                return body();
            }
            finally
            {
                _module.eval();
                InvalidateFolding();
            }
        }
    }

    private Tensor Input(ReadOnlySpan<float> images, int count, int height, int width)
    {
        var x = empty([count, Spec.Channels, height, width], ScalarType.Float32);
        using (var access = x.data<float>())
        {
            access.CopyFrom(images[..(count * Spec.Channels * height * width)], 0, 0);
        }

        return _device.type == DeviceType.CPU ? x : x.to(_device);
    }

    private Tensor Labels(ReadOnlySpan<long> labels, int count, long classes)
    {
        var y = empty(count, ScalarType.Int64);
        using (var access = y.data<long>())
        {
            access.CopyFrom(labels[..count], 0, 0);
        }

        if ((y < 0).any().item<bool>() || (y >= classes).any().item<bool>())
        {
            throw new ArgumentException($"labels must be in [0, {classes}).", nameof(labels));
        }

        return _device.type == DeviceType.CPU ? y : y.to(_device);
    }

    private static void CopyOut(Tensor t, Span<float> destination)
    {
        var c = t.to(ScalarType.Float32).cpu().contiguous();
        using var access = c.data<float>();
        access.CopyTo(destination[..(int)c.numel()], 0, 0);
    }

    private void CheckSizes(ReadOnlySpan<float> images, int count, int? outputLength)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
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
