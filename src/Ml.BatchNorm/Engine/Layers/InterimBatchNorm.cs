using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>
/// Batch normalization with every <see cref="BatchNormOptions"/> mode, its fine-tuning policy and
/// recalibration. Training mode normalizes with the biased batch variance and averages the unbiased
/// one into the moving variance (DESIGN §5). Tensor names follow PyTorch: weight (gamma), bias (beta),
/// running_mean, running_var, and num_batches_tracked, renorm_mean, renorm_std where a mode reads them.
/// </summary>
internal sealed partial class InterimBatchNorm : nn.Module<Tensor, Tensor>
{
    private readonly Parameter? weight;
    private readonly Parameter? bias;
    private readonly Tensor running_mean;
    private readonly Tensor running_var;
    private readonly Tensor? num_batches_tracked;
    private readonly Tensor? renorm_mean;
    private readonly Tensor? renorm_std;
    private readonly ForwardContext _context;

    public InterimBatchNorm(string name, int layerIndex, BatchNormOptions options, long channels, ForwardContext context) : base(name)
    {
        Index = layerIndex;
        Options = options;
        _context = context;
        if (options.Scale)
        {
            weight = new Parameter(full(channels, options.GammaInitialValue, ScalarType.Float32));
        }

        if (options.Center)
        {
            bias = new Parameter(full(channels, options.BetaInitialValue, ScalarType.Float32));
        }

        running_mean = full(channels, options.MovingMeanInitialValue, ScalarType.Float32);
        running_var = full(channels, options.MovingVarianceInitialValue, ScalarType.Float32);
        // The counter exists only where something reads it, so default layers keep the tensor set (and model files) they always had.
        if (options.Renorm || options.MovingStatistics != MovingStatistics.ExponentialAverage)
        {
            num_batches_tracked = zeros(1, ScalarType.Float32);
        }

        if (options.Renorm)
        {
            renorm_mean = full(channels, options.MovingMeanInitialValue, ScalarType.Float32);
            renorm_std = full(channels, Math.Sqrt(options.MovingVarianceInitialValue + options.Epsilon), ScalarType.Float32);
        }

        RegisterComponents();
    }

    public int Index { get; }

    public BatchNormOptions Options { get; }

    public BatchNormFineTuning Policy { get; private set; } = BatchNormFineTuning.Full;

    public Tensor? Gamma => weight;

    public Tensor? Beta => bias;

    public Tensor RunningMean => running_mean;

    public Tensor RunningVar => running_var;

    private string Label => $"layer {Index} (batch norm)";

    public override Tensor forward(Tensor x)
    {
        if (training && _context.Recalibrating)
        {
            return RecalibrateForward(x);
        }

        if (!training || Policy.HasFlag(BatchNormFineTuning.StatisticsFrozen))
        {
            return F.batch_norm(x, running_mean, running_var, weight, bias, training: false, momentum: 0, eps: Options.Epsilon);
        }

        RequireTwoValues(x, Options.GhostBatchSize);
        bool ghost = Options.GhostBatchSize > 0 && Options.GhostBatchSize < x.shape[0];
        return !Options.Renorm && !ghost && Options.MovingStatistics == MovingStatistics.ExponentialAverage
            ? FastForward(x)
            : GeneralForward(x);
    }

    /// <summary>Sets the policy; frozen parts stay frozen (checked by the network before any layer changes).</summary>
    public void SetPolicy(BatchNormFineTuning policy)
    {
        Policy = policy;
        bool affine = !policy.HasFlag(BatchNormFineTuning.AffineFrozen);
        weight?.requires_grad_(affine);
        bias?.requires_grad_(affine);
    }

    /// <summary>Adds the gradient of (l2 / 2) * sum(p^2) for gamma and beta; the reported loss leaves the penalty out.</summary>
    public void AddL2Gradients()
    {
        using var _ = no_grad();
        Add(weight, Options.GammaL2);
        Add(bias, Options.BetaL2);

        static void Add(Parameter? p, double l2)
        {
            if (l2 > 0 && p?.grad is { } g)
            {
                g.add_(p.detach(), l2);
            }
        }
    }

    // Default mode: batch_norm normalizes and updates the moving statistics in place; they are restored
    // if the update made them non-finite.
    private Tensor FastForward(Tensor x)
    {
        Tensor oldMean, oldVar;
        using (no_grad())
        {
            oldMean = running_mean.clone();
            oldVar = running_var.clone();
        }

        var y = F.batch_norm(x, running_mean, running_var, weight, bias, training: true, momentum: 1.0 - Options.MovingAverageDecay, eps: Options.Epsilon);
        using (no_grad())
        {
            if (!Finite(running_mean) || !Finite(running_var))
            {
                running_mean.copy_(oldMean);
                running_var.copy_(oldVar);
                throw NonFinite();
            }
        }

        return y;
    }

    private static long[] ReduceDims(Tensor x) => [0, .. Enumerable.Range(2, (int)x.dim() - 2).Select(d => (long)d)];

    private static long[] ChannelView(Tensor x)
    {
        var view = Enumerable.Repeat(1L, (int)x.dim()).ToArray();
        view[1] = -1;
        return view;
    }

    private static long ValuesPerChannel(Tensor x) => x.numel() / Math.Max(x.shape[1], 1);

    private static bool Finite(Tensor t) => t.isfinite().all().item<bool>();

    private InvalidOperationException NonFinite() =>
        new($"{Label}: the moving statistics would become NaN or infinite (the layer's input is not finite: training has diverged); they were left unchanged.");

    private Tensor Affine(Tensor y)
    {
        var view = ChannelView(y);
        if (weight is not null)
        {
            y = y * weight.view(view);
        }

        if (bias is not null)
        {
            y = y + bias.view(view);
        }

        return y;
    }

    // Batch statistics from fewer than two values per channel are degenerate: refuse them with a message rather than train on NaN.
    private void RequireTwoValues(Tensor x, long ghostSize)
    {
        long batch = x.shape[0];
        long spatial = ValuesPerChannel(x) / Math.Max(batch, 1);
        if (ghostSize > 0 && ghostSize < batch)
        {
            long ghosts = (batch + ghostSize - 1) / ghostSize;
            long last = batch - ((ghosts - 1) * ghostSize);
            if (last * spatial < 2)
            {
                throw new ArgumentException($"{Label} in training mode sees {last * spatial} value per channel in ghost batch {ghosts} of {ghosts} ({last} example of a batch of {batch}, ghost batch size {ghostSize}); batch statistics need at least two. Choose a batch size that leaves the last ghost batch at least two examples.");
            }

            return;
        }

        if (batch * spatial < 2)
        {
            throw new ArgumentException($"{Label} in training mode sees {batch * spatial} value per channel (batch of {batch}); batch statistics need at least two. Use a larger batch, or drop or merge the last partial batch.");
        }
    }
}
