using TorchSharp;
using static TorchSharp.torch;
using F = TorchSharp.torch.nn.functional;

namespace Ml.BatchNorm.Bench;

/// <summary>
/// The seed networks written the obvious way in TorchSharp, as a user without our library would:
/// nn modules, CReLU as relu(cat(x, -x)), max_pool2d, torch.optim.Adam. The peer that shows what our
/// kernels add on the same libtorch.
/// </summary>
internal sealed class PlainTorchSharpModel : nn.Module<Tensor, Tensor>
{
    private readonly nn.Module<Tensor, Tensor> _conv1, _bn1, _conv2, _bn2, _dense1, _bn3, _dense2;
    private readonly nn.Module<Tensor, Tensor> _dropout = nn.Dropout(1 - Engine.SeedNetworks.DefaultKeepProbability);
    private readonly bool _batchNorm;

    public PlainTorchSharpModel(bool batchNorm) : base("plain")
    {
        _batchNorm = batchNorm;
        _conv1 = nn.Conv2d(1, 16, 5, padding: 2, bias: !batchNorm);
        _bn1 = nn.BatchNorm2d(16, eps: 1e-3, momentum: 0.05);
        _conv2 = nn.Conv2d(32, 32, 5, padding: 2, bias: !batchNorm);
        _bn2 = nn.BatchNorm2d(32, eps: 1e-3, momentum: 0.05);
        _dense1 = nn.Linear(64 * 7 * 7, 1024, hasBias: !batchNorm);
        _bn3 = nn.BatchNorm1d(1024, eps: 1e-3, momentum: 0.05);
        _dense2 = nn.Linear(2048, 10);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        x = F.max_pool2d(CRelu(Norm(_bn1, _conv1.call(x))), 2);
        x = F.max_pool2d(CRelu(Norm(_bn2, _conv2.call(x))), 2);
        x = CRelu(Norm(_bn3, _dense1.call(x.flatten(1))));
        return _dense2.call(_dropout.call(x));
    }

    private static Tensor CRelu(Tensor x) => F.relu(cat([x, x.neg()], 1));

    private Tensor Norm(nn.Module<Tensor, Tensor> bn, Tensor x) => _batchNorm ? bn.call(x) : x;
}
