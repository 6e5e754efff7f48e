using Ml.BatchNorm.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>
/// One batch-normalization layer with every <see cref="BatchNormOptions"/> option (DESIGN §5): per
/// channel on NCHW input, per feature on NC input. Training mode normalizes with the biased batch
/// variance and averages the unbiased one into the moving variance; inference mode uses the moving
/// statistics and never changes them. Parameters "weight" (gamma, when Scale) and "bias" (beta, when
/// Center); buffers "running_mean", "running_var", "num_batches_tracked" (float32 [1], only where the
/// averaging mode or renorm reads it) and "renorm_mean", "renorm_std" (renorm only): the names and
/// shapes model files have always held.
/// </summary>
internal sealed partial class BatchNormalization : nn.Module<Tensor, Tensor>
{
    // Fields named as the state dictionary names them; null ones are not registered.
    [ComponentName(Name = "weight")]
    private Parameter? _gamma;

    [ComponentName(Name = "bias")]
    private Parameter? _beta;

    [ComponentName(Name = "running_mean")]
    private Tensor _runningMean;

    [ComponentName(Name = "running_var")]
    private Tensor _runningVar;

    [ComponentName(Name = "num_batches_tracked")]
    private Tensor? _batchesTracked;

    [ComponentName(Name = "renorm_mean")]
    private Tensor? _renormMean;

    [ComponentName(Name = "renorm_std")]
    private Tensor? _renormStd;

    private BatchNormRecalibration? _recalibration;

    /// <summary>Builds the layer for <paramref name="channels"/> channels (or features) with the options' initial values.</summary>
    /// <param name="channels">Channels of NCHW input, features of NC input.</param>
    /// <param name="options">The layer's options; validated here.</param>
    /// <param name="layerIndex">Index of the layer in its network spec, for messages ("layer 3 (batch norm)").</param>
    public BatchNormalization(int channels, BatchNormOptions options, int layerIndex) : base(LoadedName())
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        options.Validate();
        Channels = channels;
        Options = options;
        Label = $"layer {layerIndex} (batch norm)";

        // Created outside any caller's dispose scope: the layer owns them for its lifetime.
        if (options.Scale)
        {
            _gamma = new Parameter(full(channels, options.GammaInitialValue, float32)).DetachFromDisposeScope() as Parameter;
        }

        if (options.Center)
        {
            _beta = new Parameter(full(channels, options.BetaInitialValue, float32)).DetachFromDisposeScope() as Parameter;
        }

        _runningMean = full(channels, options.MovingMeanInitialValue, float32).DetachFromDisposeScope();
        _runningVar = full(channels, options.MovingVarianceInitialValue, float32).DetachFromDisposeScope();

        // The counter exists only where something reads it, so default layers keep the tensor set
        // (and model files) they always had.
        if (options.Renorm || options.MovingStatistics != MovingStatistics.ExponentialAverage)
        {
            _batchesTracked = zeros(1, float32).DetachFromDisposeScope();
        }

        if (options.Renorm)
        {
            _renormMean = full(channels, options.MovingMeanInitialValue, float32).DetachFromDisposeScope();
            _renormStd = full(channels, Math.Sqrt(options.MovingVarianceInitialValue + options.Epsilon), float32).DetachFromDisposeScope();
        }

        RegisterComponents();
    }

    /// <summary>Channels (NCHW input) or features (NC input).</summary>
    public int Channels { get; }

    /// <summary>The options it was built with.</summary>
    public BatchNormOptions Options { get; }

    /// <summary>"layer i (batch norm)": how messages name the layer.</summary>
    public string Label { get; }

    /// <summary>What training may change; see <see cref="SetFineTuning"/>.</summary>
    public BatchNormFineTuning FineTuning { get; private set; } = BatchNormFineTuning.Full;

    /// <summary>Gamma, or null when Scale is off.</summary>
    public Parameter? Gamma => _gamma;

    /// <summary>Beta, or null when Center is off.</summary>
    public Parameter? Beta => _beta;

    /// <summary>The moving mean (float32, one per channel).</summary>
    public Tensor RunningMean => _runningMean;

    /// <summary>The moving (unbiased) variance (float32, one per channel).</summary>
    public Tensor RunningVariance => _runningVar;

    /// <summary>Training updates so far (float32 [1]), or null where nothing reads it (exponential averaging without renorm).</summary>
    public Tensor? BatchesTracked => _batchesTracked;

    /// <summary>Renorm's moving mean, or null without renorm.</summary>
    public Tensor? RenormMean => _renormMean;

    /// <summary>Renorm's moving standard deviation, or null without renorm.</summary>
    public Tensor? RenormStd => _renormStd;

    /// <summary>Whether a recalibration is collecting statistics (see <see cref="BeginRecalibration"/>).</summary>
    public bool IsRecalibrating => _recalibration is not null;

    private bool StatisticsFrozen => (FineTuning & BatchNormFineTuning.StatisticsFrozen) != 0;

    /// <summary>
    /// Normalizes <paramref name="input"/> (N, C) or (N, C, H, W). Training mode (module.train()) uses
    /// batch statistics (per ghost batch), applies renorm and updates the moving statistics, unless
    /// the statistics are frozen; inference mode uses the moving statistics. While recalibrating, every
    /// call measures the whole batch instead (see <see cref="BeginRecalibration"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The input's shape does not fit, or training would see fewer than two values per channel (per ghost batch).</exception>
    /// <exception cref="InvalidOperationException">The moving statistics would become NaN or infinite; they are left unchanged.</exception>
    public override Tensor forward(Tensor input)
    {
        CheckShape(input);
        if (_recalibration is not null)
        {
            return RecalibrationForward(input);
        }

        if (!training || StatisticsFrozen)
        {
            return nn.functional.batch_norm(input, _runningMean, _runningVar, _gamma, _beta, training: false, momentum: 0, eps: Options.Epsilon);
        }

        int ghost = GhostSize(input);
        BatchNormStatistics.RequireTwoValues(Label, input, ghost);
        bool plain = !Options.Renorm && ghost == 0 && Options.MovingStatistics == MovingStatistics.ExponentialAverage;
        return plain ? FusedForward(input) : GeneralForward(input, ghost);
    }

    // The base constructor is the first TorchSharp call: make the native library loadable before it.
    private static string LoadedName()
    {
        TorchRuntime.EnsureLoaded();
        return nameof(BatchNormalization);
    }

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        // The base class disposes the registered parameters and buffers.
        if (disposing)
        {
            CancelRecalibration();
        }

        base.Dispose(disposing);
    }

    private void CheckShape(Tensor input)
    {
        if (input.dim() is not (2 or 4) || input.shape[1] != Channels)
        {
            throw new ArgumentException(
                $"{Label} expects (batch, {Channels}) or (batch, {Channels}, height, width) input; got ({string.Join(", ", input.shape)}).",
                nameof(input));
        }
    }

    // Ghost batch size in effect for this batch, 0 when the batch is one ghost batch.
    private int GhostSize(Tensor input) =>
        Options.GhostBatchSize > 0 && Options.GhostBatchSize < input.shape[0] ? Options.GhostBatchSize : 0;

    // The default mode through libtorch's batch-norm kernel, which updates the moving statistics in
    // place (momentum = 1 - decay, unbiased variance); restored if the update made them non-finite.
    private Tensor FusedForward(Tensor input)
    {
        using var scope = NewDisposeScope();
        Tensor oldMean, oldVar;
        using (no_grad())
        {
            oldMean = _runningMean.clone();
            oldVar = _runningVar.clone();
        }

        var y = nn.functional.batch_norm(input, _runningMean, _runningVar, _gamma, _beta, training: true, momentum: 1 - Options.MovingAverageDecay, eps: Options.Epsilon);
        using (no_grad())
        {
            try
            {
                BatchNormStatistics.RequireFinite(Label, _runningMean, _runningVar);
            }
            catch (InvalidOperationException)
            {
                _runningMean.copy_(oldMean);
                _runningVar.copy_(oldVar);
                throw;
            }
        }

        return scope.MoveToOuter(y);
    }

    // Renorm, ghost batches, warm-up or cumulative averaging, composed from TorchSharp operators so
    // that autograd derives the backward pass. Each ghost batch is normalized with its own statistics;
    // the moving statistics are updated once per step from the unweighted mean over ghost batches of
    // their means and unbiased variances.
    private Tensor GeneralForward(Tensor input, int ghost)
    {
        using var scope = NewDisposeScope();
        double t = _batchesTracked is null ? 0 : _batchesTracked.ToDouble();
        var (rmax, dmax) = BatchNormStatistics.RenormLimits(Options, t);
        long[] dims = BatchNormStatistics.ReduceDimensions(input);
        long[] view = BatchNormStatistics.ChannelView(input);
        Tensor[] chunks = ghost > 0 ? input.split(ghost, 0) : [input];
        var outputs = new Tensor[chunks.Length];
        var means = new Tensor[chunks.Length];
        var unbiased = new Tensor[chunks.Length];
        var stds = new Tensor[chunks.Length];
        for (int g = 0; g < chunks.Length; g++)
        {
            double n = chunks[g].numel() / Channels;
            var (variance, mean) = var_mean(chunks[g], dims, unbiased: false, keepdim: true);
            var std = (variance + Options.Epsilon).sqrt();
            var y = (chunks[g] - mean) / std;
            if (Options.Renorm)
            {
                // Stop-gradient: r and d are constants in the backward pass, as in the paper.
                Tensor r, d;
                using (no_grad())
                {
                    var movingStd = _renormStd!.view(view);
                    r = (std.detach() / movingStd).clamp(1 / rmax, rmax);
                    d = ((mean.detach() - _renormMean!.view(view)) / movingStd).clamp(-dmax, dmax);
                }

                y = (y * r) + d;
            }

            outputs[g] = y;
            means[g] = mean.detach().flatten();
            unbiased[g] = variance.detach().flatten() * (n / (n - 1));
            stds[g] = std.detach().flatten();
        }

        var result = Affine(chunks.Length == 1 ? outputs[0] : cat(outputs, 0), view);
        using (no_grad())
        {
            UpdateStatistics(means, unbiased, stds, t);
        }

        return scope.MoveToOuter(result);
    }

    private void UpdateStatistics(Tensor[] means, Tensor[] unbiased, Tensor[] stds, double t)
    {
        var batchMean = stack(means).mean([0L]);
        var batchVar = stack(unbiased).mean([0L]);
        double decay = BatchNormStatistics.Decay(Options, t);
        var newMean = (_runningMean * decay) + (batchMean * (1 - decay));
        var newVar = (_runningVar * decay) + (batchVar * (1 - decay));
        BatchNormStatistics.RequireFinite(Label, newMean, newVar);
        _runningMean.copy_(newMean);
        _runningVar.copy_(newVar);
        if (Options.Renorm)
        {
            // r and d use their own exponential averages (decay RenormMovingAverageDecay) of the batch
            // mean and of the batch standard deviation sqrt(biased variance + epsilon).
            double rd = Options.RenormMovingAverageDecay;
            _renormMean!.mul_(rd).add_(batchMean, alpha: 1 - rd);
            _renormStd!.mul_(rd).add_(stack(stds).mean([0L]), alpha: 1 - rd);
        }

        _batchesTracked?.add_(1);
    }


    private Tensor Affine(Tensor y, long[] view)
    {
        if (_gamma is not null)
        {
            y = y * _gamma.view(view);
        }

        if (_beta is not null)
        {
            y = y + _beta.view(view);
        }

        return y;
    }
}
