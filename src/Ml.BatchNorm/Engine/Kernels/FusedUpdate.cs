using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>The hyper-parameters of one optimizer step (<see cref="Beta1"/> is SGD's momentum).</summary>
internal readonly record struct UpdateSettings(double LearningRate, ulong Step, double Beta1, double Beta2, double Epsilon, double WeightDecay, bool Nesterov);

/// <summary>One optimizer step over a parameter's memory with <see cref="OptimizerKernel"/>, the fused path of the engine's optimizer.</summary>
internal static class FusedUpdate
{
    /// <summary>The parameter and its gradient are contiguous float32 CPU tensors of one size (anything else takes the plain path).</summary>
    public static bool Applies(Tensor parameter, Tensor gradient) =>
        TensorMemory.IsKernelReady(parameter) && TensorMemory.IsKernelReady(gradient)
        && parameter.is_contiguous() && gradient.is_contiguous() && parameter.numel() == gradient.numel();

    /// <summary>Updates <paramref name="parameter"/> and its state slots in place.</summary>
    public static void Run(OptimizerKind kind, Tensor parameter, Tensor gradient, Tensor? slot1, Tensor? slot2, UpdateSettings s)
    {
        var set = InstructionSets.Current;
        long count = parameter.numel();
        nint p = TensorMemory.Address(parameter), g = TensorMemory.Address(gradient);
        switch (kind)
        {
            case OptimizerKind.Adam:
                double t = s.Step + 1.0;
                double bc1 = 1.0 - Math.Pow(s.Beta1, t), bc2 = 1.0 - Math.Pow(s.Beta2, t);
                OptimizerKernel.Adam(p, g, TensorMemory.Address(slot1!), TensorMemory.Address(slot2!), count, (float)s.WeightDecay,
                    (float)(1.0 - s.Beta1), (float)s.Beta2, (float)(1.0 - s.Beta2), (float)(s.LearningRate / bc1), (float)(1.0 / Math.Sqrt(bc2)), (float)s.Epsilon, set);
                break;
            case OptimizerKind.Adagrad:
                OptimizerKernel.Adagrad(p, g, TensorMemory.Address(slot1!), count, (float)s.WeightDecay, (float)s.LearningRate, (float)s.Epsilon, set);
                break;
            case OptimizerKind.Sgd:
                OptimizerKernel.Sgd(p, g, slot1 is null ? 0 : TensorMemory.Address(slot1), count, (float)s.WeightDecay,
                    (float)s.LearningRate, (float)s.Beta1, s.Nesterov, set);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown optimizer");
        }
    }
}
