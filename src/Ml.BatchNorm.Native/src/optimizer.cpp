// Optimizers over the network's own parameter list, with their state held as plain tensors so that
// checkpoints can save and restore it exactly.
#include <ATen/Parallel.h>

#include "bridge.h"

namespace mlbn {

namespace {

bool fusable(const torch::Tensor& p, const torch::Tensor& g, const OptimizerState& o, size_t k) {
  auto ok = [&](const torch::Tensor& t) {
    return !t.defined() || (t.device().is_cpu() && t.scalar_type() == torch::kFloat32 && t.is_contiguous());
  };
  return ok(p) && ok(g) && g.defined() && (k >= o.slot1.size() || ok(o.slot1[k])) &&
         (k >= o.slot2.size() || ok(o.slot2[k]));
}

// One pass over each parameter tensor instead of one libtorch operator per term of the update:
// the optimizer is memory-bound, and the first dense layer alone holds 3.2M weights.
void fused_update(const OptimizerState& o, float* p, const float* g, float* s1, float* s2, int64_t n,
                  double lr, uint64_t step) {
  const float wd = static_cast<float>(o.weight_decay);
  switch (o.kind) {
    case MLBN_OPTIMIZER_SGD: {
      const float momentum = static_cast<float>(o.beta1), rate = static_cast<float>(lr);
      const bool nesterov = o.nesterov;
      at::parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          float grad = g[i] + wd * p[i];
          if (s1) {
            s1[i] = momentum * s1[i] + grad;
            grad = nesterov ? grad + momentum * s1[i] : s1[i];
          }
          p[i] -= rate * grad;
        }
      });
      break;
    }
    case MLBN_OPTIMIZER_ADAGRAD: {
      const float rate = static_cast<float>(lr), eps = static_cast<float>(o.epsilon);
      at::parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const float grad = g[i] + wd * p[i];
          s1[i] += grad * grad;
          p[i] -= rate * grad / (std::sqrt(s1[i]) + eps);
        }
      });
      break;
    }
    case MLBN_OPTIMIZER_ADAM: {
      const double t = static_cast<double>(step + 1);
      const float b1 = static_cast<float>(o.beta1), b2 = static_cast<float>(o.beta2);
      const float inv_bc2_sqrt = static_cast<float>(1.0 / std::sqrt(1.0 - std::pow(o.beta2, t)));
      const float step_size = static_cast<float>(lr / (1.0 - std::pow(o.beta1, t)));
      const float eps = static_cast<float>(o.epsilon);
      at::parallel_for(0, n, 16384, [&](int64_t begin, int64_t end) {
        for (int64_t i = begin; i < end; ++i) {
          const float grad = g[i] + wd * p[i];
          s1[i] += (1.0f - b1) * (grad - s1[i]);
          s2[i] = b2 * s2[i] + (1.0f - b2) * grad * grad;
          p[i] -= step_size * s1[i] / (std::sqrt(s2[i]) * inv_bc2_sqrt + eps);
        }
      });
      break;
    }
  }
}

}  // namespace

void optimizer_step(Network& net, double lr, uint64_t step) {
  torch::NoGradGuard no_grad;
  OptimizerState& o = net.optimizer;
  require(o.kind != 0, "no optimizer has been set on this network");
  const bool fused = kernel_path() == KernelPath::Fused;
  for (size_t k = 0; k < net.parameters.size(); ++k) {
    torch::Tensor& p = net.parameters[k];
    torch::Tensor g = p.grad();
    if (!g.defined()) continue;
    if (fused && fusable(p, g, o, k)) {
      float* s1 = k < o.slot1.size() && o.slot1[k].defined() ? o.slot1[k].data_ptr<float>() : nullptr;
      float* s2 = k < o.slot2.size() && o.slot2[k].defined() ? o.slot2[k].data_ptr<float>() : nullptr;
      fused_update(o, p.data_ptr<float>(), g.data_ptr<float>(), s1, s2, p.numel(), lr, step);
      continue;
    }
    if (o.weight_decay != 0.0) g = g.add(p, o.weight_decay);
    switch (o.kind) {
      case MLBN_OPTIMIZER_SGD:
        if (o.beta1 != 0.0) {
          torch::Tensor& buf = o.slot1[k];
          buf.mul_(o.beta1).add_(g);
          if (o.nesterov) g = g.add(buf, o.beta1);
          else g = buf;
        }
        p.add_(g, -lr);
        break;
      case MLBN_OPTIMIZER_ADAGRAD: {
        torch::Tensor& sum = o.slot1[k];
        sum.addcmul_(g, g);
        p.addcdiv_(g, sum.sqrt().add_(o.epsilon), -lr);
        break;
      }
      case MLBN_OPTIMIZER_ADAM: {
        const double t = static_cast<double>(step + 1);
        torch::Tensor& m = o.slot1[k];
        torch::Tensor& v = o.slot2[k];
        m.lerp_(g, 1.0 - o.beta1);
        v.mul_(o.beta2).addcmul_(g, g, 1.0 - o.beta2);
        const double bc1 = 1.0 - std::pow(o.beta1, t);
        const double bc2 = 1.0 - std::pow(o.beta2, t);
        p.addcdiv_(m, v.sqrt().div_(std::sqrt(bc2)).add_(o.epsilon), -lr / bc1);
        break;
      }
    }
  }
}

}  // namespace mlbn

using namespace mlbn;

MLBN_API mlbn_status mlbn_network_set_optimizer(mlbn_network* network, int32_t kind, double beta1,
                                                double beta2, double epsilon, double weight_decay,
                                                double initial_accumulator, int32_t nesterov) {
  return guarded("network_set_optimizer", [&] {
    require(network != nullptr, "network handle is null");
    require(kind == MLBN_OPTIMIZER_SGD || kind == MLBN_OPTIMIZER_ADAGRAD || kind == MLBN_OPTIMIZER_ADAM,
            "unknown optimizer kind " + std::to_string(kind));
    require(beta1 >= 0.0 && beta1 < 1.0 && beta2 >= 0.0 && beta2 < 1.0, "optimizer betas/momentum must be in [0, 1)");
    require(epsilon >= 0.0 && weight_decay >= 0.0 && initial_accumulator >= 0.0, "optimizer epsilon, weight decay and initial accumulator must not be negative");
    OptimizerState o;
    o.kind = kind;
    o.beta1 = beta1;
    o.beta2 = beta2;
    o.epsilon = epsilon;
    o.weight_decay = weight_decay;
    o.initial_accumulator = initial_accumulator;
    o.nesterov = nesterov != 0;
    torch::NoGradGuard no_grad;
    for (auto& p : network->parameters) {
      switch (kind) {
        case MLBN_OPTIMIZER_SGD:
          o.slot1.push_back(beta1 != 0.0 ? torch::zeros_like(p) : torch::Tensor());
          break;
        case MLBN_OPTIMIZER_ADAGRAD:
          o.slot1.push_back(torch::full_like(p, initial_accumulator));
          break;
        case MLBN_OPTIMIZER_ADAM:
          o.slot1.push_back(torch::zeros_like(p));
          o.slot2.push_back(torch::zeros_like(p));
          break;
      }
    }
    network->optimizer = std::move(o);
    network->rebuild_names();
  });
}
