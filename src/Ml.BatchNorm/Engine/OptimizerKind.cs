namespace Ml.BatchNorm.Engine;

/// <summary>The optimizers the engine offers.</summary>
public enum OptimizerKind
{
    /// <summary>Adam (PyTorch's formulation, epsilon outside the square root).</summary>
    Adam,

    /// <summary>Adagrad with TensorFlow's starting accumulator (the seed's optimizer).</summary>
    Adagrad,

    /// <summary>Stochastic gradient descent with optional (Nesterov) momentum.</summary>
    Sgd,
}
