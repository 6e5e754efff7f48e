// Layer shapes, initialization and forward passes.
#include <ATen/CPUGeneratorImpl.h>

#include "bridge.h"

namespace mlbn {

std::string layer_label(size_t index, const char* kind) {
  return "layer " + std::to_string(index) + " (" + kind + ")";
}

namespace {

// TensorFlow's "same" padding: output = ceil(input / stride), extra padding at the end.
int64_t same_out(int64_t in, int64_t stride) { return (in + stride - 1) / stride; }
int64_t same_pad_total(int64_t in, int64_t kernel, int64_t stride) {
  return std::max<int64_t>((same_out(in, stride) - 1) * stride + kernel - in, 0);
}

// Weights from a normal distribution cut at two standard deviations, by resampling, as
// TensorFlow's truncated_normal_initializer does (libtorch 1.13's C++ API has no such initializer).
torch::Tensor truncated_normal(at::IntArrayRef shape, double std, at::Generator& gen) {
  auto t = at::normal(0.0, std, shape, gen);
  for (int round = 0; round < 1000; ++round) {
    auto outside = t.abs() > 2.0 * std;
    if (!outside.any().item<bool>()) return t;
    auto fresh = at::normal(0.0, std, shape, gen);
    t = torch::where(outside, fresh, t);
  }
  return t.clamp(-2.0 * std, 2.0 * std);
}

uint64_t mix(uint64_t x) {  // splitmix64 finalizer
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

}  // namespace

void initialise_layers(Network& net) {
  auto gen = at::make_generator<at::CPUGeneratorImpl>(net.seed);
  std::vector<int64_t> shape = net.input_shape;
  for (size_t i = 0; i < net.layers.size(); ++i) {
    Layer& layer = net.layers[i];
    const mlbn_layer_spec& s = layer.spec;
    layer.in_shape = shape;
    switch (s.kind) {
      case MLBN_LAYER_CONVOLUTION: {
        require(shape.size() == 3, layer_label(i, "convolution") + " needs an image input (channels, height, width); flatten comes after convolutions");
        require(s.units > 0 && s.kernel > 0 && s.stride > 0, layer_label(i, "convolution") + " needs positive filters, kernel and stride");
        int64_t h = s.same_padding ? same_out(shape[1], s.stride) : (shape[1] - s.kernel) / s.stride + 1;
        int64_t w = s.same_padding ? same_out(shape[2], s.stride) : (shape[2] - s.kernel) / s.stride + 1;
        require(h > 0 && w > 0, layer_label(i, "convolution") + ": kernel larger than its input");
        layer.weight = truncated_normal({s.units, shape[0], s.kernel, s.kernel}, s.init_std, gen);
        if (s.bias) layer.bias = torch::zeros({s.units});
        shape = {s.units, h, w};
        break;
      }
      case MLBN_LAYER_DENSE: {
        require(shape.size() == 1, layer_label(i, "dense") + " needs a flat input: put a flatten layer before it");
        require(s.units > 0, layer_label(i, "dense") + " needs a positive number of units");
        layer.weight = truncated_normal({s.units, shape[0]}, s.init_std, gen);
        if (s.bias) layer.bias = torch::zeros({s.units});
        shape = {s.units};
        break;
      }
      case MLBN_LAYER_BATCH_NORM:
        initialise_batch_norm(layer, i, shape[0]);
        break;
      case MLBN_LAYER_CRELU:
        shape[0] *= 2;
        break;
      case MLBN_LAYER_RELU:
        break;
      case MLBN_LAYER_MAX_POOL: {
        require(shape.size() == 3, layer_label(i, "max pool") + " needs an image input");
        int64_t stride = s.stride > 0 ? s.stride : s.kernel;
        require(s.kernel > 0, layer_label(i, "max pool") + " needs a positive kernel");
        int64_t h = s.same_padding ? same_out(shape[1], stride) : (shape[1] - s.kernel) / stride + 1;
        int64_t w = s.same_padding ? same_out(shape[2], stride) : (shape[2] - s.kernel) / stride + 1;
        require(h > 0 && w > 0, layer_label(i, "max pool") + ": window larger than its input");
        layer.spec.stride = static_cast<int32_t>(stride);
        shape = {shape[0], h, w};
        break;
      }
      case MLBN_LAYER_FLATTEN: {
        int64_t n = 1;
        for (auto d : shape) n *= d;
        shape = {n};
        break;
      }
      case MLBN_LAYER_DROPOUT:
        require(s.keep_probability > 0.0 && s.keep_probability <= 1.0, layer_label(i, "dropout") + ": keep probability must be in (0, 1]");
        break;
      default:
        throw InvalidArgument("layer " + std::to_string(i) + " has unknown kind " + std::to_string(s.kind));
    }
    layer.out_shape = shape;
  }
  for (auto& layer : net.layers) {
    for (torch::Tensor* t : {&layer.weight, &layer.bias, &layer.running_mean, &layer.running_var,
                             &layer.num_batches_tracked, &layer.renorm_mean, &layer.renorm_std})
      if (t->defined()) *t = t->to(net.device);
  }
}

namespace {

torch::Tensor conv_forward(const Layer& layer, const torch::Tensor& x, const torch::Tensor& weight,
                           const torch::Tensor& bias) {
  const auto& s = layer.spec;
  torch::Tensor input = x;
  int64_t pad_h = 0, pad_w = 0;
  if (s.same_padding) {
    int64_t th = same_pad_total(layer.in_shape[1], s.kernel, s.stride);
    int64_t tw = same_pad_total(layer.in_shape[2], s.kernel, s.stride);
    if (th % 2 == 0 && tw % 2 == 0) {
      pad_h = th / 2;
      pad_w = tw / 2;
    } else {
      input = at::constant_pad_nd(x, {tw / 2, tw - tw / 2, th / 2, th - th / 2}, 0.0);
    }
  }
  return at::conv2d(input, weight, bias, {s.stride, s.stride}, {pad_h, pad_w});
}

torch::Tensor conv_forward(const Layer& layer, const torch::Tensor& x) {
  return conv_forward(layer, x, layer.weight, layer.bias);
}

// One row times a large weight matrix is a matrix-vector product: through sgemm, OpenBLAS first packs
// the whole weight matrix (12.8 MB for the seed's first dense layer) on every call, which was three
// quarters of single-image scoring time; sgemv streams it once.
torch::Tensor dense_forward(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                            bool fused) {
  if (fused && x.dim() == 2 && x.size(0) == 1 && x.device().is_cpu()) {
    auto y = bias.defined() ? at::addmv(bias, weight, x[0]) : at::mv(weight, x[0]);
    return y.unsqueeze(0);
  }
  if (fused && onednn_dense_applies(x, weight)) {
    return onednn_dense(x, weight, bias);
  }
  return at::linear(x, weight, bias);
}

bool folds_into_previous(const std::vector<Layer>& layers, size_t i) {
  return i + 1 < layers.size() && layers[i + 1].spec.kind == MLBN_LAYER_BATCH_NORM &&
         (layers[i].spec.kind == MLBN_LAYER_CONVOLUTION || layers[i].spec.kind == MLBN_LAYER_DENSE);
}

torch::Tensor max_pool(const Layer& layer, const torch::Tensor& x) {
  const auto& s = layer.spec;
  return at::max_pool2d(x, {s.kernel, s.kernel}, {s.stride, s.stride}, {0, 0}, {1, 1},
                        /*ceil_mode=*/s.same_padding != 0);
}

}  // namespace

torch::Tensor layer_forward(Network& net, size_t index, const torch::Tensor& x, bool training,
                            uint64_t step) {
  Layer& layer = net.layers[index];
  const auto& s = layer.spec;
  switch (s.kind) {
    case MLBN_LAYER_CONVOLUTION:
      return conv_forward(layer, x);
    case MLBN_LAYER_DENSE:
      return dense_forward(x, layer.weight, layer.bias, kernel_path() == KernelPath::Fused);
    case MLBN_LAYER_BATCH_NORM:
      return batch_norm_forward(net, index, x, training);
    case MLBN_LAYER_CRELU:
      return at::relu(at::cat({x, -x}, 1));
    case MLBN_LAYER_RELU:
      return at::relu(x);
    case MLBN_LAYER_MAX_POOL:
      return max_pool(layer, x);
    case MLBN_LAYER_FLATTEN:
      return x.flatten(1);
    case MLBN_LAYER_DROPOUT: {
      // Recalibration measures the activations inference sees, so it runs without dropout.
      if (!training || net.recalibrating || s.keep_probability >= 1.0) return x;
      auto gen = at::make_generator<at::CPUGeneratorImpl>(mix(net.seed ^ mix(step * 1000003ULL + index)));
      auto mask = at::empty(x.sizes(), x.options().device(torch::kCPU)).bernoulli_(s.keep_probability, gen);
      return x * mask.to(x.device()).div_(s.keep_probability);
    }
  }
  throw InvalidArgument("layer " + std::to_string(index) + " has unknown kind");
}

torch::Tensor Network::forward(torch::Tensor x, bool training, uint64_t step) {
  if (training) {
    version.fetch_add(1);
    return forward_layers(x, true, step, nullptr);
  }
  if (kernel_path() == KernelPath::Fused && folding_enabled.load()) {
    auto folded = current_fold_cache();
    if (folded->usable) return forward_layers(x, false, step, folded.get());
  }
  return forward_layers(x, false, step, nullptr);
}

// In inference mode batch norm is an affine map per channel, y = s (z - mean) + beta with
// s = gamma / sqrt(var + eps), so it folds into the layer before it: W' = s W, b' = s (b - mean) + beta.
std::shared_ptr<const FoldCache> Network::current_fold_cache() {
  std::lock_guard<std::mutex> lock(fold_mutex);
  const uint64_t now = version.load();
  if (fold_cache && fold_cache->version == now) return fold_cache;
  auto cache = std::make_shared<FoldCache>();
  cache->version = now;
  cache->weight.resize(layers.size());
  cache->bias.resize(layers.size());
  torch::NoGradGuard no_grad;
  bool any = false;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (!folds_into_previous(layers, i)) continue;
    const Layer& layer = layers[i];
    const Layer& bn = layers[i + 1];
    auto scale = (bn.running_var + bn.spec.epsilon).rsqrt();
    if (bn.weight.defined()) scale = scale * bn.weight;
    std::vector<int64_t> view(static_cast<size_t>(layer.weight.dim()), 1);
    view[0] = -1;
    cache->weight[i] = layer.weight.detach() * scale.view(view);
    auto b = layer.bias.defined() ? layer.bias.detach() - bn.running_mean : -bn.running_mean;
    cache->bias[i] = b * scale + (bn.bias.defined() ? bn.bias.detach() : torch::zeros_like(scale));
    any = true;
  }
  // Checked numerically against the unfolded network when applied: a probe batch must agree
  // within 1e-4 norm-wise, or scoring keeps the unfolded layers.
  if (any) {
    auto gen = at::make_generator<at::CPUGeneratorImpl>(0x5eedULL);
    std::vector<int64_t> shape{2};
    shape.insert(shape.end(), input_shape.begin(), input_shape.end());
    auto probe = at::rand(shape, gen).to(device);
    auto plain = forward_layers(probe, false, 0, nullptr);
    auto folded = forward_layers(probe, false, 0, cache.get());
    double error = (folded - plain).norm().item<double>() / std::max(plain.norm().item<double>(), 1e-30);
    cache->usable = std::isfinite(error) && error < 1e-4;
  }
  fold_cache = cache;
  return cache;
}

torch::Tensor Network::forward_layers(torch::Tensor x, bool training, uint64_t step, const FoldCache* folded) {
  const bool fused = kernel_path() == KernelPath::Fused;
  for (size_t i = 0; i < layers.size(); ++i) {
    if (folded && folded->weight[i].defined()) {
      const Layer& layer = layers[i];
      x = layer.spec.kind == MLBN_LAYER_CONVOLUTION ? conv_forward(layer, x, folded->weight[i], folded->bias[i])
                                                    : dense_forward(x, folded->weight[i], folded->bias[i], fused);
      ++i;  // the batch norm is inside the folded weights
      continue;
    }
    // max_pool(crelu(x)) == cat(relu(max_pool(x)), relu(-min_pool(x))): max-pooling commutes with
    // the monotone ReLU, so the element-wise work runs on a quarter of the elements.
    if (fused && layers[i].spec.kind == MLBN_LAYER_CRELU && i + 1 < layers.size() &&
        layers[i + 1].spec.kind == MLBN_LAYER_MAX_POOL) {
      const Layer& pool = layers[i + 1];
      if (fused_crelu_pool_applies(x))
        x = fused_crelu_max_pool(x, pool.spec.kernel, pool.spec.stride, pool.spec.same_padding != 0);
      else
        x = at::relu(at::cat({max_pool(pool, x), max_pool(pool, -x)}, 1));
      ++i;
      continue;
    }
    if (!training && layers[i].spec.kind == MLBN_LAYER_DENSE) {
      x = dense_forward(x, layers[i].weight, layers[i].bias, fused);
      continue;
    }
    x = layer_forward(*this, i, x, training, step);
  }
  return x;
}

}  // namespace mlbn
