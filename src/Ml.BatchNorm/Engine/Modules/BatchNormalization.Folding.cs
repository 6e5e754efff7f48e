using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Modules;

/// <summary>Folding support: the inference-mode layer as a per-channel affine map.</summary>
internal sealed partial class BatchNormalization
{
    /// <summary>
    /// The inference-mode layer as a per-channel affine map y = scale * x + shift, with
    /// scale = gamma / sqrt(moving variance + epsilon) and shift = beta - moving mean * scale, for
    /// folding into the convolution or dense layer before it: W' = scale W, b' = scale b + shift.
    /// The tensors are new, without gradients; the caller disposes them.
    /// </summary>
    public (Tensor Scale, Tensor Shift) InferenceAffine()
    {
        using var noGrad = no_grad();
        using var scope = NewDisposeScope();
        var scale = (_runningVar + Options.Epsilon).rsqrt();
        if (_gamma is not null)
        {
            scale = scale * _gamma;
        }

        var shift = -_runningMean * scale;
        if (_beta is not null)
        {
            shift = shift + _beta;
        }

        return scope.MoveToOuter(scale, shift);
    }
}
