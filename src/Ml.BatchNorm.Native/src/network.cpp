// Creating networks, running them forward and scoring.
#include "bridge.h"

namespace mlbn {

int64_t Network::output_size() const {
  int64_t n = 1;
  for (auto d : layers.empty() ? input_shape : layers.back().out_shape) n *= d;
  return n;
}

torch::Tensor Network::input_tensor(const float* data, int64_t batch) const {
  require(data != nullptr, "input is null");
  require(batch > 0, "batch must be positive, got " + std::to_string(batch));
  std::vector<int64_t> shape{batch};
  shape.insert(shape.end(), input_shape.begin(), input_shape.end());
  auto t = torch::from_blob(const_cast<float*>(data), shape, torch::kFloat32);
  return device.is_cpu() ? t : t.to(device);
}

void Network::rebuild_names() {
  named.clear();
  parameters.clear();
  parameter_names.clear();
  for (size_t i = 0; i < layers.size(); ++i) {
    const std::string p = std::to_string(i) + ".";
    Layer& l = layers[i];
    if (l.weight.defined()) {
      parameters.push_back(l.weight);
      parameter_names.push_back(p + "weight");
    }
    if (l.bias.defined()) {
      parameters.push_back(l.bias);
      parameter_names.push_back(p + "bias");
    }
  }
  for (size_t k = 0; k < parameters.size(); ++k) {
    parameters[k].set_requires_grad(true);
    named.push_back({parameter_names[k], MLBN_ROLE_PARAMETER, parameters[k]});
  }
  // A frozen affine part gets no gradient, so the optimizer skips it (its slots stay untouched).
  for (auto& l : layers)
    if (l.spec.kind == MLBN_LAYER_BATCH_NORM && (l.bn_policy & MLBN_BN_AFFINE_FROZEN))
      for (torch::Tensor* t : {&l.weight, &l.bias})
        if (t->defined()) t->set_requires_grad(false);
  for (size_t i = 0; i < layers.size(); ++i) {
    Layer& l = layers[i];
    const std::string p = std::to_string(i) + ".";
    if (l.running_mean.defined()) {
      named.push_back({p + "running_mean", MLBN_ROLE_STATISTIC, l.running_mean});
      named.push_back({p + "running_var", MLBN_ROLE_STATISTIC, l.running_var});
    }
    if (l.num_batches_tracked.defined())
      named.push_back({p + "num_batches_tracked", MLBN_ROLE_STATISTIC, l.num_batches_tracked});
    if (l.renorm_mean.defined()) {
      named.push_back({p + "renorm_mean", MLBN_ROLE_STATISTIC, l.renorm_mean});
      named.push_back({p + "renorm_std", MLBN_ROLE_STATISTIC, l.renorm_std});
    }
  }
  const char* slot1 = optimizer.kind == MLBN_OPTIMIZER_SGD       ? "momentum_buffer"
                      : optimizer.kind == MLBN_OPTIMIZER_ADAGRAD ? "sum"
                                                                 : "exp_avg";
  for (size_t k = 0; k < optimizer.slot1.size(); ++k)
    if (optimizer.slot1[k].defined())
      named.push_back({"optimizer." + parameter_names[k] + "." + slot1, MLBN_ROLE_OPTIMIZER, optimizer.slot1[k]});
  for (size_t k = 0; k < optimizer.slot2.size(); ++k)
    if (optimizer.slot2[k].defined())
      named.push_back({"optimizer." + parameter_names[k] + ".exp_avg_sq", MLBN_ROLE_OPTIMIZER, optimizer.slot2[k]});
}

namespace {
void copy_out(const torch::Tensor& t, float* destination, int64_t expected) {
  auto c = t.to(torch::kCPU, torch::kFloat32).contiguous();
  require(c.numel() == expected, "output has " + std::to_string(c.numel()) + " values where " +
                                     std::to_string(expected) + " were expected");
  std::memcpy(destination, c.data_ptr<float>(), sizeof(float) * expected);
}

Network& checked(mlbn_network* network) {
  require(network != nullptr, "network handle is null");
  return *network;
}
}  // namespace

}  // namespace mlbn

using namespace mlbn;

MLBN_API mlbn_status mlbn_network_create(const mlbn_layer_spec* layers, int32_t layer_count,
                                         int32_t channels, int32_t height, int32_t width,
                                         uint64_t seed, const char* device, mlbn_network** out) {
  return guarded("network_create", [&] {
    require(out != nullptr, "out is null");
    *out = nullptr;
    require(layer_count >= 0 && (layers != nullptr || layer_count == 0), "layers are null");
    require(channels > 0 && height > 0 && width > 0, "input shape must be positive");
    auto net = std::make_unique<mlbn_network>();
    net->device = parse_device(device ? device : "cpu");
    net->seed = seed;
    net->input_shape = {channels, height, width};
    for (int32_t i = 0; i < layer_count; ++i) {
      Layer layer;
      layer.spec = layers[i];
      net->layers.push_back(std::move(layer));
    }
    initialise_layers(*net);
    net->rebuild_names();
    *out = net.release();
    live_handles.fetch_add(1);
  });
}

MLBN_API void mlbn_network_free(mlbn_network* network) {
  if (network == nullptr) return;
  delete network;
  live_handles.fetch_sub(1);
}

MLBN_API mlbn_status mlbn_network_output_size(mlbn_network* network, int64_t* size) {
  return guarded("network_output_size", [&] { *size = checked(network).output_size(); });
}

MLBN_API mlbn_status mlbn_network_forward(mlbn_network* network, const float* input, int64_t batch,
                                          int32_t height, int32_t width, int32_t training,
                                          uint64_t step, float* output, int64_t output_capacity) {
  return guarded("network_forward", [&] {
    Network& net = checked(network);
    require(height > 0 && width > 0, "image height and width must be positive");
    require(input != nullptr && batch > 0, "input is empty");
    torch::NoGradGuard no_grad;
    auto x = torch::from_blob(const_cast<float*>(input), {batch, net.input_shape[0], height, width}, torch::kFloat32)
                 .to(net.device);
    auto y = net.forward(x, training != 0, step);
    require(y.numel() <= output_capacity, "output buffer holds " + std::to_string(output_capacity) +
                                              " values; the network produced " + std::to_string(y.numel()));
    copy_out(y, output, y.numel());
  });
}

MLBN_API mlbn_status mlbn_network_score(mlbn_network* network, const float* input, int64_t batch,
                                        float* probabilities) {
  return guarded("network_score", [&] {
    Network& net = checked(network);
    c10::InferenceMode inference;
    SingleThreadScope single(batch == 1 && net.device.is_cpu());
    auto logits = net.forward(net.input_tensor(input, batch), /*training=*/false, 0);
    copy_out(at::softmax(logits.reshape({batch, -1}), 1), probabilities, batch * net.output_size());
  });
}

MLBN_API mlbn_status mlbn_network_evaluate(mlbn_network* network, const float* input,
                                           const int64_t* labels, int64_t batch, double* loss_sum,
                                           int64_t* correct) {
  return guarded("network_evaluate", [&] {
    Network& net = checked(network);
    require(labels != nullptr, "labels are null");
    c10::InferenceMode inference;
    auto logits = net.forward(net.input_tensor(input, batch), /*training=*/false, 0).reshape({batch, -1});
    auto y = torch::from_blob(const_cast<int64_t*>(labels), {batch}, torch::kInt64).to(logits.device());
    *loss_sum = at::cross_entropy_loss(logits.to(torch::kFloat64), y, {}, at::Reduction::Sum).item<double>();
    *correct = logits.argmax(1).eq(y).sum().item<int64_t>();
  });
}

MLBN_API mlbn_status mlbn_network_folding_active(mlbn_network* network, int32_t* active) {
  return guarded("network_folding_active", [&] {
    Network& net = checked(network);
    *active = kernel_path() == KernelPath::Fused && net.folding_enabled.load() && net.fold_state_usable() ? 1 : 0;
  });
}

MLBN_API mlbn_status mlbn_network_set_folding(mlbn_network* network, int32_t enabled) {
  return guarded("network_set_folding", [&] {
    require(network != nullptr, "network is null");
    network->folding_enabled.store(enabled != 0);
  });
}
