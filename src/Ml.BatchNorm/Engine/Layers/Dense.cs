using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Engine.Layers;

/// <summary>Fully connected layer, y = x W^T + b, weights from a truncated normal.</summary>
internal sealed class Dense : nn.Module<Tensor, Tensor>
{
    private readonly Parameter weight;
    private readonly Parameter? bias;

    public Dense(string name, DenseLayer spec, long inFeatures, Generator generator) : base(name)
    {
        weight = new Parameter(TruncatedNormal.Sample([spec.Units, inFeatures], spec.InitStd, generator));
        bias = spec.UseBias ? new Parameter(zeros(spec.Units)) : null;
        RegisterComponents();
    }

    public Tensor Weight => weight;

    public Tensor? Bias => bias;

    public override Tensor forward(Tensor x) => F.linear(x, weight, bias);

    /// <summary>The layer with other weights (batch norm folded into them).</summary>
    public static Tensor Apply(Tensor x, Tensor w, Tensor? b) => F.linear(x, w, b);
}
