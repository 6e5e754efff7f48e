using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Training-mode batch norm + CReLU + 2x2 stride-2 max-pool as one TorchSharp autograd function over a
/// contiguous float32 CPU tensor (N, C, H, W) → (N, 2C, H/2, W/2), the batch's statistics measured beforehand
/// (<see cref="BatchNormBatch.Measure"/>). Call as
/// <c>BatchNormCReluPoolFunction.apply(x, gamma, beta, batch, instructionSet)</c>, gamma and beta the layer's
/// parameters or null. The normalized tensor is never stored: the forward pass maps each window's extremes,
/// and the backward pass rebuilds one plane at a time. Gradients flow to x through the batch statistics too,
/// as in libtorch's training-mode batch norm.
/// </summary>
internal sealed class BatchNormCReluPoolFunction : autograd.SingleTensorFunction<BatchNormCReluPoolFunction>
{
    public override string Name => "BatchNormCReluMaxPool2x2";

    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var x = ((Tensor)vars[0]).contiguous();
        var gamma = vars[1] as Tensor;
        var beta = vars[2] as Tensor;
        var batch = (BatchNormBatch)vars[3];
        var set = (InstructionSet)vars[4];
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var y = empty([n, 2 * c, h / 2, w / 2], x.dtype, x.device);
        nint xp = TensorMemory.Address(x), yp = TensorMemory.Address(y);
        fixed (float* scale = batch.Scale, shift = batch.Shift)
        {
            nint sp = (nint)scale, tp = (nint)shift;
            PlaneRanges.Run(n * c, (long)h * w, (first, end) =>
                CReluPoolKernel.Forward((float*)xp, (float*)yp, c, h, w, first, end, (float*)sp, (float*)tp, set));
        }

        ctx.save_for_backward([x]);
        ctx.save_data("batch", batch);
        ctx.save_data("set", set);
        ctx.save_data("gamma", gamma is { requires_grad: true });
        ctx.save_data("beta", beta is { requires_grad: true });
        return y;
    }

    public override unsafe List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var x = ctx.get_saved_variables()[0];
        var batch = (BatchNormBatch)ctx.get_data("batch");
        var set = (InstructionSet)ctx.get_data("set");
        var g = grad.contiguous();
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];

        // Positions an odd edge leaves out of every window get no gradient from the pool, but batch norm's
        // backward still reaches them through the statistics: their dz must start at zero.
        var gx = (h % 2 == 0 && w % 2 == 0) ? empty_like(x) : zeros_like(x);
        var gradBeta = new double[c];
        var gradGamma = new double[c];
        nint xp = TensorMemory.Address(x), gp = TensorMemory.Address(g), gxp = TensorMemory.Address(gx);
        PlaneRanges.Run(c, (long)n * h * w, (first, end) =>
            BatchNormKernel.Backward((float*)xp, (float*)gp, (float*)gxp, n, c, h, w, first, end, batch, gradBeta, gradGamma, set));

        var gammaGrad = (bool)ctx.get_data("gamma") ? tensor(gradGamma.Select(v => (float)v).ToArray()) : null;
        var betaGrad = (bool)ctx.get_data("beta") ? tensor(gradBeta.Select(v => (float)v).ToArray()) : null;

        // One gradient per argument: none for the statistics and the instruction set.
        return [gx, gammaGrad!, betaGrad!, null!, null!];
    }
}
