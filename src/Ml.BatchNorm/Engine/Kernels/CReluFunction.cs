using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// CReLU along dimension 1 as one TorchSharp autograd function over a contiguous float32 CPU tensor:
/// (N, F, ...) → (N, 2F, ...), the first F channels relu(x), the next F relu(-x). Call as
/// <c>CReluFunction.apply(x, instructionSet)</c>.
/// </summary>
internal sealed class CReluFunction : autograd.SingleTensorFunction<CReluFunction>
{
    public override string Name => "CRelu";

    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        var set = (InstructionSet)vars[1];
        int rows = (int)x.shape[0];
        long features = x.numel() / Math.Max(rows, 1);
        long[] shape = [.. x.shape];
        shape[1] *= 2;
        var y = empty(shape, x.dtype, x.device);
        nint xp = TensorMemory.Address(x), yp = TensorMemory.Address(y);
        PlaneRanges.Run(rows, features, (first, end) => CReluKernel.Forward((float*)xp, (float*)yp, features, first, end, set));
        ctx.save_for_backward([x]);
        ctx.save_data("set", set);
        return y;
    }

    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var x = ctx.get_saved_variables()[0];
        var set = (InstructionSet)ctx.get_data("set");
        var g = grad.contiguous();
        int rows = (int)x.shape[0];
        long features = x.numel() / Math.Max(rows, 1);
        var gx = empty_like(x);
        nint xp = TensorMemory.Address(x), gp = TensorMemory.Address(g), gxp = TensorMemory.Address(gx);
        PlaneRanges.Run(rows, features, (first, end) => CReluKernel.Backward((float*)xp, (float*)gp, (float*)gxp, features, first, end, set));
        return [gx, null!]; // one gradient per argument: none for the instruction set
    }
}
