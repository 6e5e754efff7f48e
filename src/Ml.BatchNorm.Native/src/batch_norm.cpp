// Batch normalization: the default mode through at::batch_norm (the fast path), and batch
// renormalization, ghost batches, warm-up and cumulative averaging written with libtorch operators
// so that autograd derives their backward passes. Also the fine-tuning policy and recalibration.
//
// Conventions (DESIGN §5): training mode normalizes with the biased batch variance (divide by n);
// the moving variance averages the unbiased one (divide by n - 1).
#include <cmath>

#include "bridge.h"

// The C# mirror (LayerSpecNative.cs) has the same size; fields are only ever appended.
static_assert(sizeof(mlbn_layer_spec) == 152, "mlbn_layer_spec changed size: update LayerSpecNative.cs");

namespace mlbn {

namespace {

std::string bn_label(size_t index) { return layer_label(index, "batch norm"); }

// Dimensions reduced for per-channel statistics: all but dimension 1 (rank 2: features, rank 4: channels).
std::vector<int64_t> reduce_dims(const torch::Tensor& x) {
  std::vector<int64_t> dims{0};
  for (int64_t d = 2; d < x.dim(); ++d) dims.push_back(d);
  return dims;
}

// Shape that broadcasts a per-channel vector against x.
std::vector<int64_t> channel_view(const torch::Tensor& x) {
  std::vector<int64_t> view(static_cast<size_t>(x.dim()), 1);
  view[1] = -1;
  return view;
}

int64_t values_per_channel(const torch::Tensor& x) { return x.numel() / std::max<int64_t>(x.size(1), 1); }

// Batch statistics from fewer than two values per channel are degenerate (zero variance, NaN
// unbiased variance): refuse them with a message rather than train on NaN.
void require_two_values(size_t index, const torch::Tensor& x, int64_t ghost_size) {
  const int64_t batch = x.size(0);
  const int64_t spatial = values_per_channel(x) / std::max<int64_t>(batch, 1);
  if (ghost_size > 0 && ghost_size < batch) {
    const int64_t ghosts = (batch + ghost_size - 1) / ghost_size;
    const int64_t last = batch - (ghosts - 1) * ghost_size;
    if (last * spatial < 2)
      throw InvalidArgument(
          bn_label(index) + " in training mode sees " + std::to_string(last * spatial) +
          " value per channel in ghost batch " + std::to_string(ghosts) + " of " + std::to_string(ghosts) +
          " (" + std::to_string(last) + " example of a batch of " + std::to_string(batch) + ", ghost batch size " +
          std::to_string(ghost_size) + "); batch statistics need at least two. Choose a batch size that leaves "
          "the last ghost batch at least two examples");
    return;
  }
  const int64_t per_channel = batch * spatial;
  if (per_channel < 2)
    throw InvalidArgument(
        bn_label(index) + " in training mode sees " + std::to_string(per_channel) +
        " value per channel (batch of " + std::to_string(batch) +
        "); batch statistics need at least two. Use a larger batch, or drop or merge the last partial batch");
}

void require_finite_statistics(size_t index, const torch::Tensor& mean, const torch::Tensor& var) {
  if (!mean.isfinite().all().item<bool>() || !var.isfinite().all().item<bool>())
    throw std::runtime_error(bn_label(index) +
                             ": the moving statistics would become NaN or infinite (the layer's input is not "
                             "finite: training has diverged); they were left unchanged");
}

// The weight kept on the old moving statistics for this update; t = updates before this one.
double statistics_decay(const mlbn_layer_spec& s, double t) {
  switch (s.moving_statistics) {
    case MLBN_BN_STATS_EXPONENTIAL_WARM_UP:
      // TensorFlow's ExponentialMovingAverage with num_updates: no early bias towards the initial values.
      return std::min(s.decay, (1.0 + t) / (10.0 + t));
    case MLBN_BN_STATS_CUMULATIVE:
      return t / (t + 1.0);  // the exact mean of the t + 1 batch statistics
    default:
      return s.decay;
  }
}

torch::Tensor affine(const Layer& layer, torch::Tensor y) {
  auto view = channel_view(y);
  if (layer.weight.defined()) y = y * layer.weight.view(view);
  if (layer.bias.defined()) y = y + layer.bias.view(view);
  return y;
}

// Default mode: at::batch_norm normalizes and updates the moving statistics in place; they are
// restored if the update made them non-finite.
torch::Tensor fast_forward(Layer& layer, size_t index, const torch::Tensor& x) {
  const auto& s = layer.spec;
  torch::Tensor old_mean, old_var;
  {
    torch::NoGradGuard no_grad;
    old_mean = layer.running_mean.clone();
    old_var = layer.running_var.clone();
  }
  auto y = at::batch_norm(x, layer.weight, layer.bias, layer.running_mean, layer.running_var,
                          /*training=*/true, 1.0 - s.decay, s.epsilon, /*cudnn_enabled=*/true);
  torch::NoGradGuard no_grad;
  try {
    require_finite_statistics(index, layer.running_mean, layer.running_var);
  } catch (...) {
    layer.running_mean.copy_(old_mean);
    layer.running_var.copy_(old_var);
    throw;
  }
  return y;
}

// Renorm, ghost batches, warm-up or cumulative averaging. Each ghost batch (the batch split into
// consecutive chunks of ghost_batch_size examples, the last one smaller when the size does not
// divide the batch) is normalized with its own statistics; the moving statistics are updated once
// per step from the unweighted mean over ghost batches of their means and of their unbiased variances.
torch::Tensor general_forward(Layer& layer, size_t index, const torch::Tensor& x) {
  const auto& s = layer.spec;
  const auto dims = reduce_dims(x);
  const auto view = channel_view(x);
  const double t = layer.num_batches_tracked.defined() ? layer.num_batches_tracked.item<double>() : 0.0;

  // Batch renormalization: r and d are clipped to [1/rmax, rmax] and [-dmax, dmax]; the limits ramp
  // linearly from 1 and 0 to their targets over renorm_warm_up_steps updates of this layer.
  double rmax = 1, dmax = 0;
  if (s.renorm) {
    const double ramp = s.renorm_warm_up_steps > 0 ? std::min(t / s.renorm_warm_up_steps, 1.0) : 1.0;
    rmax = 1.0 + (s.renorm_max_r - 1.0) * ramp;
    dmax = s.renorm_max_d * ramp;
  }

  std::vector<torch::Tensor> chunks =
      s.ghost_batch_size > 0 && s.ghost_batch_size < x.size(0) ? x.split(s.ghost_batch_size, 0)
                                                                 : std::vector<torch::Tensor>{x};
  std::vector<torch::Tensor> outputs, means, unbiased, stds;
  for (const auto& chunk : chunks) {
    const double n = static_cast<double>(values_per_channel(chunk));
    auto var_mean = at::var_mean(chunk, dims, /*unbiased=*/false, /*keepdim=*/true);
    auto var = std::get<0>(var_mean);
    auto mean = std::get<1>(var_mean);
    auto std_dev = (var + s.epsilon).sqrt();
    auto y = (chunk - mean) / std_dev;
    if (s.renorm) {
      // Stop-gradient: r and d are constants in the backward pass, as in the paper.
      torch::Tensor r, d;
      {
        torch::NoGradGuard no_grad;
        auto moving_std = layer.renorm_std.view(view);
        r = (std_dev.detach() / moving_std).clamp(1.0 / rmax, rmax);
        d = ((mean.detach() - layer.renorm_mean.view(view)) / moving_std).clamp(-dmax, dmax);
      }
      y = y * r + d;
    }
    outputs.push_back(y);
    means.push_back(mean.detach().flatten());
    unbiased.push_back(var.detach().flatten() * (n / (n - 1.0)));
    stds.push_back(std_dev.detach().flatten());
  }
  auto y = affine(layer, outputs.size() == 1 ? outputs[0] : at::cat(outputs, 0));

  torch::NoGradGuard no_grad;
  auto batch_mean = at::stack(means).mean(0);
  auto batch_var = at::stack(unbiased).mean(0);
  const double decay = statistics_decay(s, t);
  auto new_mean = layer.running_mean * decay + batch_mean * (1.0 - decay);
  auto new_var = layer.running_var * decay + batch_var * (1.0 - decay);
  require_finite_statistics(index, new_mean, new_var);
  layer.running_mean.copy_(new_mean);
  layer.running_var.copy_(new_var);
  if (s.renorm) {
    // r and d use their own exponential averages (decay renorm_decay) of the batch mean and of the
    // batch standard deviation sqrt(biased variance + epsilon), as TensorFlow's renorm_momentum does.
    const double rd = s.renorm_decay;
    layer.renorm_mean.mul_(rd).add_(batch_mean, 1.0 - rd);
    layer.renorm_std.mul_(rd).add_(at::stack(stds).mean(0), 1.0 - rd);
  }
  if (layer.num_batches_tracked.defined()) layer.num_batches_tracked.add_(1.0);
  return y;
}

// Recalibration: normalize with the whole batch's statistics and pool them exactly (Chan et al.'s
// parallel update of the mean and the sum of squared deviations, in float64).
torch::Tensor recalibrate_forward(Layer& layer, size_t index, const torch::Tensor& x) {
  require_two_values(index, x, 0);
  const auto dims = reduce_dims(x);
  auto var_mean = at::var_mean(x, dims, /*unbiased=*/false, /*keepdim=*/true);
  auto var = std::get<0>(var_mean);
  auto mean = std::get<1>(var_mean);
  auto y = affine(layer, (x - mean) / (var + layer.spec.epsilon).sqrt());
  const double n = static_cast<double>(values_per_channel(x));
  auto batch_mean = mean.flatten().to(torch::kFloat64);
  auto batch_m2 = var.flatten().to(torch::kFloat64) * n;
  if (layer.recal_count == 0) {
    layer.recal_mean = batch_mean;
    layer.recal_m2 = batch_m2;
  } else {
    const double total = layer.recal_count + n;
    auto delta = batch_mean - layer.recal_mean;
    layer.recal_mean = layer.recal_mean + delta * (n / total);
    layer.recal_m2 = layer.recal_m2 + batch_m2 + delta * delta * (layer.recal_count * n / total);
  }
  layer.recal_count += n;
  return y;
}

}  // namespace

void initialise_batch_norm(Layer& layer, size_t index, int64_t channels) {
  const auto& s = layer.spec;
  const std::string label = bn_label(index);
  require(s.decay >= 0.0 && s.decay < 1.0, label + ": decay must be in [0, 1), got " + std::to_string(s.decay));
  require(s.epsilon > 0.0, label + ": epsilon must be positive");
  require(s.moving_statistics >= MLBN_BN_STATS_EXPONENTIAL && s.moving_statistics <= MLBN_BN_STATS_CUMULATIVE,
          label + ": unknown moving-statistics mode " + std::to_string(s.moving_statistics));
  require(s.ghost_batch_size >= 0, label + ": ghost batch size must not be negative");
  require(std::isfinite(s.gamma_init) && std::isfinite(s.beta_init) && std::isfinite(s.moving_mean_init),
          label + ": initial values must be finite");
  require(s.moving_variance_init >= 0.0 && std::isfinite(s.moving_variance_init),
          label + ": the initial moving variance must be a non-negative number");
  require(s.gamma_l2 >= 0.0 && s.beta_l2 >= 0.0, label + ": L2 coefficients must not be negative");
  if (s.renorm) {
    require(s.renorm_max_r >= 1.0, label + ": renorm rmax must be >= 1, got " + std::to_string(s.renorm_max_r));
    require(s.renorm_max_d >= 0.0, label + ": renorm dmax must be >= 0, got " + std::to_string(s.renorm_max_d));
    require(s.renorm_decay >= 0.0 && s.renorm_decay < 1.0, label + ": renorm decay must be in [0, 1)");
    require(s.renorm_warm_up_steps >= 0, label + ": renorm warm-up steps must not be negative");
  }
  if (s.scale) layer.weight = torch::full({channels}, s.gamma_init);
  if (s.center) layer.bias = torch::full({channels}, s.beta_init);
  layer.running_mean = torch::full({channels}, s.moving_mean_init);
  layer.running_var = torch::full({channels}, s.moving_variance_init);
  // The counter exists only where something reads it, so that default layers keep the tensor set
  // (and model files) they always had.
  if (s.renorm || s.moving_statistics != MLBN_BN_STATS_EXPONENTIAL) layer.num_batches_tracked = torch::zeros({1});
  if (s.renorm) {
    layer.renorm_mean = torch::full({channels}, s.moving_mean_init);
    layer.renorm_std = torch::full({channels}, std::sqrt(s.moving_variance_init + s.epsilon));
  }
}

torch::Tensor batch_norm_forward(Network& net, size_t index, const torch::Tensor& x, bool training) {
  Layer& layer = net.layers[index];
  const auto& s = layer.spec;
  if (training && net.recalibrating) return recalibrate_forward(layer, index, x);
  if (!training || (layer.bn_policy & MLBN_BN_STATISTICS_FROZEN))
    return at::batch_norm(x, layer.weight, layer.bias, layer.running_mean, layer.running_var,
                          /*training=*/false, 0.0, s.epsilon, /*cudnn_enabled=*/true);
  require_two_values(index, x, s.ghost_batch_size);
  const bool ghost = s.ghost_batch_size > 0 && s.ghost_batch_size < x.size(0);
  if (!s.renorm && !ghost && s.moving_statistics == MLBN_BN_STATS_EXPONENTIAL) return fast_forward(layer, index, x);
  return general_forward(layer, index, x);
}

void add_batch_norm_l2(Network& net) {
  torch::NoGradGuard no_grad;
  for (auto& layer : net.layers) {
    if (layer.spec.kind != MLBN_LAYER_BATCH_NORM) continue;
    // The gradient of (l2 / 2) * sum(p^2); the reported loss leaves the penalty out.
    auto add = [](torch::Tensor& p, double l2) {
      if (l2 > 0.0 && p.defined() && p.grad().defined()) p.mutable_grad().add_(p.detach(), l2);
    };
    add(layer.weight, layer.spec.gamma_l2);
    add(layer.bias, layer.spec.beta_l2);
  }
}

}  // namespace mlbn

using namespace mlbn;

namespace {
Network& checked_network(mlbn_network* network) {
  require(network != nullptr, "network handle is null");
  return *network;
}

const char* policy_name(int32_t policy) {
  switch (policy) {
    case MLBN_BN_FULL: return "Full";
    case MLBN_BN_STATISTICS_FROZEN: return "StatisticsFrozen";
    case MLBN_BN_AFFINE_FROZEN: return "AffineFrozen";
    default: return "BothFrozen";
  }
}
}  // namespace

MLBN_API mlbn_status mlbn_network_set_bn_policy(mlbn_network* network, int32_t layer_index, int32_t policy) {
  return guarded("network_set_bn_policy", [&] {
    Network& net = checked_network(network);
    require(policy >= MLBN_BN_FULL && policy <= MLBN_BN_BOTH_FROZEN, "unknown batch-norm policy " + std::to_string(policy));
    std::vector<size_t> targets;
    if (layer_index == -1) {
      for (size_t i = 0; i < net.layers.size(); ++i)
        if (net.layers[i].spec.kind == MLBN_LAYER_BATCH_NORM) targets.push_back(i);
    } else {
      require(layer_index >= 0 && static_cast<size_t>(layer_index) < net.layers.size(),
              "layer index " + std::to_string(layer_index) + " is out of range (the network has " +
                  std::to_string(net.layers.size()) + " layers; -1 means every batch-norm layer)");
      require(net.layers[static_cast<size_t>(layer_index)].spec.kind == MLBN_LAYER_BATCH_NORM,
              "layer " + std::to_string(layer_index) + " is not a batch-norm layer");
      targets.push_back(static_cast<size_t>(layer_index));
    }
    // Checked for every target before any changes, so a refused call changes nothing.
    for (size_t i : targets) {
      const int32_t old = net.layers[i].bn_policy;
      if ((old & ~policy) != 0)
        throw InvalidArgument(bn_label(i) + " is " + policy_name(old) + "; frozen parts stay frozen, so it cannot become " +
                              policy_name(policy) + " (ask for " + policy_name(old | policy) + " or rebuild the network)");
    }
    for (size_t i : targets) net.layers[i].bn_policy = policy;
    net.rebuild_names();
  });
}

MLBN_API mlbn_status mlbn_network_get_bn_policy(mlbn_network* network, int32_t layer_index, int32_t* policy) {
  return guarded("network_get_bn_policy", [&] {
    Network& net = checked_network(network);
    require(policy != nullptr, "policy is null");
    require(layer_index >= 0 && static_cast<size_t>(layer_index) < net.layers.size() &&
                net.layers[static_cast<size_t>(layer_index)].spec.kind == MLBN_LAYER_BATCH_NORM,
            "layer " + std::to_string(layer_index) + " is not a batch-norm layer");
    *policy = net.layers[static_cast<size_t>(layer_index)].bn_policy;
  });
}

MLBN_API mlbn_status mlbn_network_recalibrate_begin(mlbn_network* network) {
  return guarded("network_recalibrate_begin", [&] {
    Network& net = checked_network(network);
    for (auto& layer : net.layers) {
      layer.recal_count = 0;
      layer.recal_mean = torch::Tensor();
      layer.recal_m2 = torch::Tensor();
    }
    net.recalibrating = true;
  });
}

MLBN_API mlbn_status mlbn_network_recalibrate_cancel(mlbn_network* network) {
  return guarded("network_recalibrate_cancel", [&] {
    Network& net = checked_network(network);
    net.recalibrating = false;
    for (auto& layer : net.layers) {
      layer.recal_count = 0;
      layer.recal_mean = torch::Tensor();
      layer.recal_m2 = torch::Tensor();
    }
  });
}

MLBN_API mlbn_status mlbn_network_recalibrate_batch(mlbn_network* network, const float* input, int64_t batch) {
  return guarded("network_recalibrate_batch", [&] {
    Network& net = checked_network(network);
    require(net.recalibrating, "recalibration has not begun (call recalibrate_begin first)");
    torch::NoGradGuard no_grad;
    net.forward(net.input_tensor(input, batch), /*training=*/true, 0);
  });
}

MLBN_API mlbn_status mlbn_network_recalibrate_end(mlbn_network* network) {
  return guarded("network_recalibrate_end", [&] {
    Network& net = checked_network(network);
    require(net.recalibrating, "recalibration has not begun (call recalibrate_begin first)");
    net.recalibrating = false;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      Layer& layer = net.layers[i];
      if (layer.spec.kind != MLBN_LAYER_BATCH_NORM) continue;
      require(layer.recal_count >= 2, bn_label(i) + ": recalibration saw no batches; the moving statistics are unchanged");
    }
    torch::NoGradGuard no_grad;
    for (size_t i = 0; i < net.layers.size(); ++i) {
      Layer& layer = net.layers[i];
      if (layer.spec.kind != MLBN_LAYER_BATCH_NORM) continue;
      // The exact mean and unbiased variance of every value the layer saw, over all batches.
      auto mean = layer.recal_mean;
      auto var = layer.recal_m2 / (layer.recal_count - 1.0);
      require_finite_statistics(i, mean, var);
      layer.running_mean.copy_(mean.to(layer.running_mean.options()));
      layer.running_var.copy_(var.to(layer.running_var.options()));
      layer.recal_count = 0;
      layer.recal_mean = torch::Tensor();
      layer.recal_m2 = torch::Tensor();
    }
    net.version.fetch_add(1);
  });
}
