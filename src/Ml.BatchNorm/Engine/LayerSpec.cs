using System.Text.Json.Serialization;

namespace Ml.BatchNorm.Engine;

/// <summary>One layer of a <see cref="NetworkSpec"/>. The concrete records say what the layer is.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ConvolutionLayer), "convolution")]
[JsonDerivedType(typeof(BatchNormLayer), "batchNorm")]
[JsonDerivedType(typeof(CReluLayer), "crelu")]
[JsonDerivedType(typeof(ReluLayer), "relu")]
[JsonDerivedType(typeof(MaxPoolLayer), "maxPool")]
[JsonDerivedType(typeof(FlattenLayer), "flatten")]
[JsonDerivedType(typeof(DenseLayer), "dense")]
[JsonDerivedType(typeof(DropoutLayer), "dropout")]
public abstract record LayerSpec;

/// <summary>2-D convolution with square kernels, weights from a truncated normal (cut at two std).</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel height and width.</param>
/// <param name="Stride">Stride in both directions.</param>
/// <param name="SamePadding">Pad so that the output is ceil(input / stride), TensorFlow's "same".</param>
/// <param name="UseBias">Add a bias (off when a batch-norm layer follows: its shift does the job).</param>
/// <param name="InitStd">Standard deviation of the truncated-normal initial weights.</param>
public sealed record ConvolutionLayer(int Filters, int KernelSize, int Stride = 1, bool SamePadding = true, bool UseBias = false, double InitStd = 0.1) : LayerSpec;

/// <summary>Batch normalization, per channel after a convolution and per feature after a dense layer.</summary>
/// <param name="Options">The layer's options.</param>
public sealed record BatchNormLayer(BatchNormOptions Options) : LayerSpec;

/// <summary>Concatenated ReLU: concat(relu(x), relu(-x)) along channels, doubling them.</summary>
public sealed record CReluLayer : LayerSpec;

/// <summary>Rectified linear unit.</summary>
public sealed record ReluLayer : LayerSpec;

/// <summary>Max pooling with a square window.</summary>
/// <param name="KernelSize">Window height and width.</param>
/// <param name="Stride">Stride; 0 means the kernel size.</param>
public sealed record MaxPoolLayer(int KernelSize, int Stride = 0) : LayerSpec;

/// <summary>Flattens (channels, height, width) into one feature vector.</summary>
public sealed record FlattenLayer : LayerSpec;

/// <summary>Fully connected layer, weights from a truncated normal (cut at two std).</summary>
/// <param name="Units">Output features.</param>
/// <param name="UseBias">Add a bias.</param>
/// <param name="InitStd">Standard deviation of the truncated-normal initial weights.</param>
public sealed record DenseLayer(int Units, bool UseBias = true, double InitStd = 0.1) : LayerSpec;

/// <summary>Dropout, active only in training mode.</summary>
/// <param name="KeepProbability">Probability of keeping each value, in (0, 1].</param>
public sealed record DropoutLayer(double KeepProbability) : LayerSpec;
