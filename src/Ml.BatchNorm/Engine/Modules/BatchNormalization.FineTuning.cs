using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>Fine-tuning policies and the gamma/beta L2 terms: what training may change in the layer.</summary>
internal sealed partial class BatchNormalization
{
    /// <summary>
    /// Sets what training may change. Freezing is sticky: a policy that would unfreeze a frozen part
    /// throws <see cref="ArgumentException"/> (see <see cref="CheckFineTuning"/>). Frozen gamma and beta
    /// stop requiring gradients and lose any gradient they hold, so optimizers skip them and their
    /// slots stay untouched.
    /// </summary>
    public void SetFineTuning(BatchNormFineTuning policy)
    {
        CheckFineTuning(policy);
        FineTuning = policy;
        if ((policy & BatchNormFineTuning.AffineFrozen) != 0)
        {
            foreach (var p in new[] { _gamma, _beta })
            {
                if (p is not null)
                {
                    p.grad = null;
                    p.requires_grad = false;
                }
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the layer if <paramref name="policy"/> would unfreeze a frozen part; changes nothing.</summary>
    public void CheckFineTuning(BatchNormFineTuning policy)
    {
        if (!Enum.IsDefined(policy))
        {
            throw new ArgumentOutOfRangeException(nameof(policy), policy, $"{policy} is not a {nameof(BatchNormFineTuning)}.");
        }

        if ((FineTuning & ~policy) != 0)
        {
            throw new ArgumentException(
                $"{Label} is {FineTuning}; frozen parts stay frozen, so it cannot become {policy} (ask for {FineTuning | policy} or rebuild the network).",
                nameof(policy));
        }
    }

    /// <summary>
    /// Adds the L2 terms' gradients, GammaL2 * gamma and BetaL2 * beta, to gamma's and beta's gradients
    /// (the gradient of L2 / 2 * sum(p^2)); call after backward, before the optimizer step. The
    /// reported loss leaves the penalty out. Parameters without a gradient (frozen) are skipped.
    /// </summary>
    public void AddL2Gradients()
    {
        using var noGrad = no_grad();
        AddL2(_gamma, Options.GammaL2);
        AddL2(_beta, Options.BetaL2);
    }

    private static void AddL2(Parameter? p, double l2)
    {
        if (l2 > 0 && p?.grad is Tensor grad)
        {
            grad.add_(p.detach(), alpha: l2);
        }
    }
}
