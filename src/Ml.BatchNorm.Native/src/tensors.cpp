// Named tensors: the weights, moving statistics and optimizer state, by PyTorch state_dict names.
#include <cstring>

#include "bridge.h"

using namespace mlbn;

namespace {
NamedTensor& find(mlbn_network* network, const char* name) {
  require(network != nullptr, "network handle is null");
  require(name != nullptr, "tensor name is null");
  for (auto& n : network->named)
    if (n.name == name) return n;
  throw InvalidArgument(std::string("the network has no tensor named '") + name + "'");
}
}  // namespace

MLBN_API mlbn_status mlbn_network_tensor_count(mlbn_network* network, int32_t* count) {
  return guarded("network_tensor_count", [&] {
    require(network != nullptr, "network handle is null");
    *count = static_cast<int32_t>(network->named.size());
  });
}

MLBN_API mlbn_status mlbn_network_tensor_info(mlbn_network* network, int32_t index, char** name,
                                              int32_t* role, int32_t* rank, int64_t* shape,
                                              int32_t shape_capacity) {
  return guarded("network_tensor_info", [&] {
    require(network != nullptr, "network handle is null");
    require(index >= 0 && static_cast<size_t>(index) < network->named.size(), "tensor index out of range");
    const NamedTensor& n = network->named[static_cast<size_t>(index)];
    require(n.tensor.dim() <= shape_capacity, "shape buffer too small");
    *rank = static_cast<int32_t>(n.tensor.dim());
    for (int64_t d = 0; d < n.tensor.dim(); ++d) shape[d] = n.tensor.size(d);
    *role = n.role;
    char* copy = static_cast<char*>(std::malloc(n.name.size() + 1));
    if (copy == nullptr) throw std::bad_alloc();
    std::memcpy(copy, n.name.c_str(), n.name.size() + 1);
    *name = copy;
  });
}

MLBN_API mlbn_status mlbn_network_tensor_read(mlbn_network* network, const char* name,
                                              float* destination, int64_t count) {
  return guarded("network_tensor_read", [&] {
    NamedTensor& n = find(network, name);
    require(count == n.tensor.numel(), std::string("tensor '") + name + "' has " + std::to_string(n.tensor.numel()) +
                                           " values, not " + std::to_string(count));
    auto c = n.tensor.detach().to(torch::kCPU, torch::kFloat32).contiguous();
    std::memcpy(destination, c.data_ptr<float>(), sizeof(float) * static_cast<size_t>(count));
  });
}

MLBN_API mlbn_status mlbn_network_tensor_write(mlbn_network* network, const char* name,
                                               const float* source, int64_t count) {
  return guarded("network_tensor_write", [&] {
    NamedTensor& n = find(network, name);
    require(count == n.tensor.numel(), std::string("tensor '") + name + "' has " + std::to_string(n.tensor.numel()) +
                                           " values, not " + std::to_string(count));
    torch::NoGradGuard no_grad;
    auto src = torch::from_blob(const_cast<float*>(source), n.tensor.sizes(), torch::kFloat32);
    n.tensor.copy_(src);
    network->version.fetch_add(1);
  });
}
