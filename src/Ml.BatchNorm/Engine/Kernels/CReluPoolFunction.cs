using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// CReLU + 2x2 stride-2 max-pool as one TorchSharp autograd function over a contiguous float32 CPU tensor
/// (N, C, H, W) → (N, 2C, H/2, W/2). Call as <c>CReluPoolFunction.apply(x, instructionSet)</c>. Only the input
/// is kept for the backward pass: the window choices are recomputed, cheaper than storing indices.
/// </summary>
internal sealed class CReluPoolFunction : autograd.SingleTensorFunction<CReluPoolFunction>
{
    public override string Name => "CReluMaxPool2x2";

    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        var set = (InstructionSet)vars[1];
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var y = empty([n, 2 * c, h / 2, w / 2], x.dtype, x.device);
        nint xp = TensorMemory.Address(x), yp = TensorMemory.Address(y);
        PlaneRanges.Run(n * c, (long)h * w, (first, end) =>
            CReluPoolKernel.Forward((float*)xp, (float*)yp, c, h, w, first, end, null, null, set));
        ctx.save_for_backward([x]);
        ctx.save_data("set", set);
        return y;
    }

    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var x = ctx.get_saved_variables()[0];
        var set = (InstructionSet)ctx.get_data("set");
        var g = grad.contiguous();
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];

        // An odd edge row or column is in no window: its gradient is zero, and only then is zeroing needed.
        var gx = (h % 2 == 0 && w % 2 == 0) ? empty_like(x) : zeros_like(x);
        nint xp = TensorMemory.Address(x), gp = TensorMemory.Address(g), gxp = TensorMemory.Address(gx);
        PlaneRanges.Run(n * c, (long)h * w, (first, end) =>
            CReluPoolKernel.Backward((float*)xp, (float*)gp, (float*)gxp, c, h, w, first, end, set));
        return [gx, null!]; // one gradient per argument: none for the instruction set
    }
}
