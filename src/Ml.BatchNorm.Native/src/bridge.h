// Internal declarations shared by the bridge's translation units.
#pragma once
#include <torch/torch.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include "mlbn.h"

namespace mlbn {

// An error the caller caused (bad argument), as opposed to a failure inside libtorch.
struct InvalidArgument : std::runtime_error {
  using std::runtime_error::runtime_error;
};
struct NotAvailable : std::runtime_error {
  using std::runtime_error::runtime_error;
};

void set_last_error(const std::string& message);
void clear_last_error();
extern std::atomic<int64_t> live_handles;

// Applies the configured thread count to the calling thread if it has not been applied there yet.
void apply_threads_to_calling_thread();

// Runs the enclosed inference on one OpenMP thread when active (libtorch's loops and oneDNN): a single
// image's work is too small to share, and splitting it cost more than it saved. OpenBLAS's count is
// process-wide, so it is left alone: changing it here would race with other threads scoring at the
// same time and change their results. Restores the count on exit.
class SingleThreadScope {
 public:
  explicit SingleThreadScope(bool active);
  ~SingleThreadScope();
  SingleThreadScope(const SingleThreadScope&) = delete;
  SingleThreadScope& operator=(const SingleThreadScope&) = delete;

 private:
  int omp_before_ = 0;
};

torch::Device parse_device(const std::string& text);

// Runs `body`, turning every exception into a status code and a thread-local message.
template <typename F>
mlbn_status guarded(const char* operation, F&& body) {
  try {
    clear_last_error();
    apply_threads_to_calling_thread();
    body();
    return MLBN_OK;
  } catch (const InvalidArgument& e) {
    set_last_error(std::string(operation) + ": " + e.what());
    return MLBN_INVALID_ARGUMENT;
  } catch (const NotAvailable& e) {
    set_last_error(std::string(operation) + ": " + e.what());
    return MLBN_NOT_AVAILABLE;
  } catch (const c10::Error& e) {
    set_last_error(std::string(operation) + ": " + e.what_without_backtrace());
    return MLBN_ERROR;
  } catch (const std::exception& e) {
    set_last_error(std::string(operation) + ": " + e.what());
    return MLBN_ERROR;
  } catch (...) {
    set_last_error(std::string(operation) + ": unknown native exception");
    return MLBN_ERROR;
  }
}

inline void require(bool condition, const std::string& message) {
  if (!condition) throw InvalidArgument(message);
}

struct Layer {
  mlbn_layer_spec spec{};
  // Shapes entering and leaving the layer, per example (C,H,W) or (F).
  std::vector<int64_t> in_shape, out_shape;
  torch::Tensor weight, bias;               // convolution, dense, batch norm (gamma, beta)
  torch::Tensor running_mean, running_var;  // batch norm
  // Batch norm: updates so far (a statistic where the averaging or renorm needs it), and the
  // moving mean and standard deviation that batch renormalization's r and d use.
  torch::Tensor num_batches_tracked, renorm_mean, renorm_std;
  int32_t bn_policy = MLBN_BN_FULL;
  // Recalibration accumulators (float64): values seen, their mean and sum of squared deviations.
  double recal_count = 0;
  torch::Tensor recal_mean, recal_m2;
};

struct NamedTensor {
  std::string name;
  int32_t role;
  torch::Tensor tensor;
};

struct OptimizerState {
  int32_t kind = 0;
  double beta1 = 0, beta2 = 0, epsilon = 0, weight_decay = 0, initial_accumulator = 0;
  bool nesterov = false;
  std::vector<torch::Tensor> slot1, slot2;  // per parameter: momentum/sum/first moment, second moment
};

// Inference weights with each batch norm folded into the convolution or dense layer before it.
struct FoldCache {
  uint64_t version = 0;
  bool usable = false;                            // the probe check passed
  std::vector<torch::Tensor> weight, bias;        // per layer index; undefined where nothing folds
};

struct Network {
  std::vector<Layer> layers;
  std::vector<int64_t> input_shape;
  uint64_t seed = 0;
  torch::Device device{torch::kCPU};
  std::vector<torch::Tensor> parameters;   // in layer order
  std::vector<std::string> parameter_names;
  OptimizerState optimizer;
  std::vector<NamedTensor> named;          // every tensor visible through the C surface
  // Bumped whenever weights or statistics may change, so the fold cache knows it is stale.
  std::atomic<uint64_t> version{1};
  std::mutex fold_mutex;
  std::shared_ptr<const FoldCache> fold_cache;
  // Scoring may use folded weights (default); off keeps every batch norm a separate layer at inference.
  std::atomic<bool> folding_enabled{true};
  bool recalibrating = false;

  int64_t output_size() const;
  torch::Tensor input_tensor(const float* data, int64_t batch) const;
  torch::Tensor forward(torch::Tensor x, bool training, uint64_t step);
  void rebuild_names();
  // Builds the fold cache if stale and says whether folded inference passed its check.
  bool fold_state_usable() { return current_fold_cache()->usable; }

 private:
  torch::Tensor forward_layers(torch::Tensor x, bool training, uint64_t step, const FoldCache* folded);
  std::shared_ptr<const FoldCache> current_fold_cache();
};

void initialise_layers(Network& net);
torch::Tensor layer_forward(Network& net, size_t index, const torch::Tensor& x, bool training,
                            uint64_t step);
void optimizer_step(Network& net, double learning_rate, uint64_t step);

// Batch norm (batch_norm.cpp): creates the layer's tensors, runs it forward, adds its L2 terms.
void initialise_batch_norm(Layer& layer, size_t index, int64_t channels);
torch::Tensor batch_norm_forward(Network& net, size_t index, const torch::Tensor& x, bool training);
void add_batch_norm_l2(Network& net);
std::string layer_label(size_t index, const char* kind);

// Kernel paths: fused kernels where they apply (default), or libtorch's plain operators everywhere
// (the reference the fused kernels are tested against).
enum class KernelPath { Fused = 0, Plain = 1 };
KernelPath kernel_path();
bool fused_crelu_pool_applies(const torch::Tensor& x);
// Dense layers through oneDNN's matmul (CPU float32, more than one row); at::linear's results otherwise.
bool onednn_dense_applies(const torch::Tensor& x, const torch::Tensor& weight);
torch::Tensor onednn_dense(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias);
torch::Tensor fused_crelu_max_pool(const torch::Tensor& x, int64_t kernel, int64_t stride, bool ceil_mode);

}  // namespace mlbn

struct mlbn_network : mlbn::Network {};
