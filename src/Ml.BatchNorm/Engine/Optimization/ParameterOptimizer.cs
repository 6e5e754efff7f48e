using Ml.BatchNorm.Engine.Kernels;
using TorchSharp;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Optimization;

/// <summary>
/// Adam, Adagrad and SGD (momentum, Nesterov) over a network's parameters, with the formulas of
/// torch.optim (Adagrad's accumulator starts at TensorFlow's initial value) and weight decay added to the
/// gradient. Written out rather than taken from torch.optim because the checkpoint contract needs the state
/// as named tensors ("optimizer.0.weight.exp_avg") and the step from the trainer's schedule, so that a
/// resumed run continues bit for bit; the updates are the same operator sequences torch.optim runs.
/// </summary>
internal sealed class ParameterOptimizer : IDisposable
{
    private readonly OptimizerKind _kind;
    private readonly double _beta1, _beta2, _epsilon, _weightDecay;
    private readonly bool _nesterov;
    private readonly KernelPath _path;
    private readonly (string Name, Tensor Parameter)[] _parameters;
    private readonly Tensor?[] _slot1;
    private readonly Tensor?[] _slot2;

    public ParameterOptimizer(TrainingOptions o, IEnumerable<(string Name, Tensor Parameter)> parameters)
    {
        _kind = o.Optimizer;
        _beta1 = o.Optimizer == OptimizerKind.Sgd ? o.Momentum : o.Beta1;
        _beta2 = o.Beta2;
        _epsilon = o.EffectiveOptimizerEpsilon;
        _weightDecay = o.WeightDecay;
        _nesterov = o.Optimizer == OptimizerKind.Sgd && o.Nesterov;
        _path = o.KernelPath;
        _parameters = parameters.ToArray();
        _slot1 = new Tensor?[_parameters.Length];
        _slot2 = new Tensor?[_parameters.Length];
        using var _ = no_grad();
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k].Parameter;
            switch (_kind)
            {
                case OptimizerKind.Sgd:
                    _slot1[k] = _beta1 != 0 ? zeros_like(p).DetachFromDisposeScope() : null;
                    break;
                case OptimizerKind.Adagrad:
                    _slot1[k] = full_like(p, o.InitialAccumulator).DetachFromDisposeScope();
                    break;
                case OptimizerKind.Adam:
                    _slot1[k] = zeros_like(p).DetachFromDisposeScope();
                    _slot2[k] = zeros_like(p).DetachFromDisposeScope();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(o), o.Optimizer, "unknown optimizer");
            }
        }
    }

    /// <summary>The state as named tensors: every first slot (momentum_buffer, sum or exp_avg), then Adam's exp_avg_sq.</summary>
    public IEnumerable<(string Name, Tensor Tensor)> State()
    {
        string slot1 = _kind switch { OptimizerKind.Sgd => "momentum_buffer", OptimizerKind.Adagrad => "sum", _ => "exp_avg" };
        for (int k = 0; k < _parameters.Length; k++)
        {
            if (_slot1[k] is { } s)
            {
                yield return ($"optimizer.{_parameters[k].Name}.{slot1}", s);
            }
        }

        for (int k = 0; k < _parameters.Length; k++)
        {
            if (_slot2[k] is { } s)
            {
                yield return ($"optimizer.{_parameters[k].Name}.exp_avg_sq", s);
            }
        }
    }

    /// <summary>Updates every parameter that has a gradient (a frozen one has none, and its state stays as it was).</summary>
    public void Step(double learningRate, ulong step)
    {
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        for (int k = 0; k < _parameters.Length; k++)
        {
            var p = _parameters[k].Parameter;
            var g = p.grad;
            if (g is null)
            {
                continue;
            }

            if (_path == KernelPath.Fused && FusedUpdate.Applies(p, g))
            {
                FusedUpdate.Run(_kind, p, g, _slot1[k], _slot2[k], new(learningRate, step, _beta1, _beta2, _epsilon, _weightDecay, _nesterov));
                continue;
            }

            if (_weightDecay != 0)
            {
                g = g.add(p, _weightDecay);
            }

            switch (_kind)
            {
                case OptimizerKind.Sgd:
                    if (_slot1[k] is { } buffer)
                    {
                        buffer.mul_(_beta1).add_(g);
                        g = _nesterov ? g.add(buffer, _beta1) : buffer;
                    }

                    p.add_(g, -learningRate);
                    break;
                case OptimizerKind.Adagrad:
                    var sum = _slot1[k]!;
                    sum.addcmul_(g, g, 1.0);
                    p.addcdiv_(g, sum.sqrt().add_(_epsilon), -learningRate);
                    break;
                case OptimizerKind.Adam:
                    double t = step + 1.0;
                    var m = _slot1[k]!;
                    var v = _slot2[k]!;
                    m.lerp_(g, tensor(1.0 - _beta1, m.dtype, m.device));
                    v.mul_(_beta2).addcmul_(g, g, 1.0 - _beta2);
                    double bc1 = 1.0 - Math.Pow(_beta1, t);
                    double bc2 = 1.0 - Math.Pow(_beta2, t);
                    p.addcdiv_(m, v.sqrt().div_(Math.Sqrt(bc2)).add_(_epsilon), -learningRate / bc1);
                    break;
            }
        }
    }

    public void Dispose()
    {
        foreach (var t in _slot1.Concat(_slot2))
        {
            t?.Dispose();
        }
    }
}
