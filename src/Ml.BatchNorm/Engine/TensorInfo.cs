namespace Ml.BatchNorm.Engine;

/// <summary>What a named tensor of a network holds.</summary>
public enum TensorRole
{
    /// <summary>A trained weight (convolution and dense weights and biases, batch-norm gamma and beta).</summary>
    Parameter = 0,

    /// <summary>A batch-norm moving statistic (running_mean, running_var).</summary>
    Statistic = 1,

    /// <summary>Optimizer state (accumulators, moments).</summary>
    Optimizer = 2,
}

/// <summary>Name, role and shape of one of a network's tensors (PyTorch state_dict naming).</summary>
/// <param name="Name">For example "0.weight" or "1.running_mean".</param>
/// <param name="Role">What the tensor holds.</param>
/// <param name="Shape">Its dimensions.</param>
public sealed record TensorInfo(string Name, TensorRole Role, IReadOnlyList<long> Shape)
{
    /// <summary>Product of the dimensions.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);
}
