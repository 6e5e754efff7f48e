using static TorchSharp.torch;

namespace Ml.BatchNorm.Engine.Kernels;

/// <summary>
/// Training-mode batch norm + CReLU + 2x2 stride-2 max-pool as one TorchSharp autograd function over a float32
/// CPU tensor (N, C, H, W) → (N, 2C, H/2, W/2), the batch's statistics measured beforehand
/// (<see cref="BatchNormBatch.Measure"/>, which also records the layout). Call as
/// <c>BatchNormCReluPoolFunction.apply(x, gamma, beta, batch, instructionSet)</c>, gamma and beta the layer's
/// parameters or null. The normalized tensor is never stored: the forward pass maps each window's extremes,
/// and the backward pass rebuilds it piece by piece. Gradients flow to x through the batch statistics too,
/// as in libtorch's training-mode batch norm. A contiguous x gives a contiguous output
/// (<see cref="CReluPoolKernel"/>, <see cref="BatchNormKernel"/>); a channels-last x, as a channels-last
/// convolution writes it, gives a channels-last output (<see cref="ChannelsLastKernel"/>), ready for the next
/// channels-last convolution.
/// </summary>
internal sealed class BatchNormCReluPoolFunction : autograd.SingleTensorFunction<BatchNormCReluPoolFunction>
{
    public override string Name => "BatchNormCReluMaxPool2x2";

    public override unsafe Tensor forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var gamma = vars[1] as Tensor;
        var beta = vars[2] as Tensor;
        var batch = (BatchNormBatch)vars[3];
        var set = (InstructionSet)vars[4];
        bool channelsLast = batch.ChannelsLast;
        var x = channelsLast ? input : input.contiguous();
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        Tensor y;
        fixed (float* scale = batch.Scale, shift = batch.Shift)
        {
            nint sp = (nint)scale, tp = (nint)shift;
            if (channelsLast)
            {
                var memory = empty([n, h / 2, w / 2, 2 * c], x.dtype, x.device);
                nint xp = TensorMemory.Address(TensorMemory.ChannelsLastMemory(x)), yp = TensorMemory.Address(memory);
                PlaneRanges.Run(n * (h / 2), (long)2 * w * c, (first, end) =>
                    ChannelsLastKernel.Forward((float*)xp, (float*)yp, c, h, w, first, end, (float*)sp, (float*)tp, set));
                y = TensorMemory.FromChannelsLastMemory(memory);
            }
            else
            {
                y = empty([n, 2 * c, h / 2, w / 2], x.dtype, x.device);
                nint xp = TensorMemory.Address(x), yp = TensorMemory.Address(y);
                PlaneRanges.Run(n * c, (long)h * w, (first, end) =>
                    CReluPoolKernel.Forward((float*)xp, (float*)yp, c, h, w, first, end, (float*)sp, (float*)tp, set));
            }
        }

        ctx.save_for_backward([x]);
        ctx.save_data("batch", batch);
        ctx.save_data("set", set);
        ctx.save_data("gamma", gamma is { requires_grad: true });
        ctx.save_data("beta", beta is { requires_grad: true });
        return y;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad)
    {
        var x = ctx.get_saved_variables()[0];
        var batch = (BatchNormBatch)ctx.get_data("batch");
        var set = (InstructionSet)ctx.get_data("set");
        int c = (int)x.shape[1];
        var gradBeta = new double[c];
        var gradGamma = new double[c];
        var gx = batch.ChannelsLast
            ? BackwardChannelsLast(x, grad, batch, gradBeta, gradGamma, set)
            : BackwardContiguous(x, grad, batch, gradBeta, gradGamma, set);

        var gammaGrad = (bool)ctx.get_data("gamma") ? tensor(gradGamma.Select(v => (float)v).ToArray()) : null;
        var betaGrad = (bool)ctx.get_data("beta") ? tensor(gradBeta.Select(v => (float)v).ToArray()) : null;

        // One gradient per argument: none for the statistics and the instruction set.
        return [gx, gammaGrad!, betaGrad!, null!, null!];
    }

    // Positions an odd edge leaves out of every window get no gradient from the pool, but batch norm's backward
    // still reaches them through the statistics: their dz must start at zero.
    private static bool NeedsZeros(int h, int w) => h % 2 != 0 || w % 2 != 0;

    private static unsafe Tensor BackwardContiguous(Tensor x, Tensor grad, BatchNormBatch batch, double[] gradBeta, double[] gradGamma, InstructionSet set)
    {
        var g = grad.contiguous();
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        var gx = NeedsZeros(h, w) ? zeros_like(x) : empty_like(x);
        nint xp = TensorMemory.Address(x), gp = TensorMemory.Address(g), gxp = TensorMemory.Address(gx);
        PlaneRanges.Run(c, (long)n * h * w, (first, end) =>
            BatchNormKernel.Backward((float*)xp, (float*)gp, (float*)gxp, n, c, h, w, first, end, batch, gradBeta, gradGamma, set));
        return gx;
    }

    // Two sweeps, over ranges of rows and then of pixels; the first one's per-channel sums are added in range order.
    private static unsafe Tensor BackwardChannelsLast(Tensor x, Tensor grad, BatchNormBatch batch, double[] gradBeta, double[] gradGamma, InstructionSet set)
    {
        int n = (int)x.shape[0], c = (int)x.shape[1], h = (int)x.shape[2], w = (int)x.shape[3];
        int rows = n * (h / 2);
        long pixels = (long)n * h * w;
        var g = TensorMemory.ChannelsLastMemory(grad).contiguous();
        var gxMemory = NeedsZeros(h, w) ? zeros([n, h, w, c], x.dtype, x.device) : empty([n, h, w, c], x.dtype, x.device);
        nint xp = TensorMemory.Address(TensorMemory.ChannelsLastMemory(x)), gp = TensorMemory.Address(g), gxp = TensorMemory.Address(gxMemory);
        var k1 = new float[c];
        var k2 = new float[c];
        var k3 = new float[c];
        fixed (float* scale = batch.Scale, shift = batch.Shift, cp = batch.Center, k1p = k1, k2p = k2, k3p = k3)
        {
            nint sp = (nint)scale, tp = (nint)shift, centerAddress = (nint)cp;
            var (sumDz, sumDzX) = PlaneRanges.Sums(rows, (long)2 * w * c, c, (first, end, s, q) =>
                ChannelsLastKernel.BackwardWindows((float*)xp, (float*)gp, (float*)gxp, c, h, w, first, end,
                    (float*)sp, (float*)tp, (float*)centerAddress, s, q, set));

            for (int k = 0; k < c; k++)
            {
                gradBeta[k] = sumDz[k];
                (gradGamma[k], k1[k], k2[k], k3[k]) = batch.Backward(k, sumDz[k], sumDzX[k]);
            }

            nint k1a = (nint)k1p, k2a = (nint)k2p, k3a = (nint)k3p;
            const int Block = ChannelsLastKernel.PixelBlock;
            PlaneRanges.Run((int)((pixels + Block - 1) / Block), (long)Block * c, (first, end) =>
                ChannelsLastKernel.Combine((float*)gxp, (float*)xp, c, (long)first * Block, Math.Min((long)end * Block, pixels),
                    (float*)k1a, (float*)k2a, (float*)centerAddress, (float*)k3a, set));
        }

        return TensorMemory.FromChannelsLastMemory(gxMemory);
    }
}
